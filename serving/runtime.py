"""Per-process serving state: loaded models (an LRU with idle eviction) and routing tables.

A loaded model answers through one ONNX Runtime session per process when its capabilities say ``engine:
onnxruntime`` (its ONNX graph agreed with scikit-learn at registration, registry/engine.py), through scikit-learn
otherwise; ``KEEL_SERVING_FAST_PATH=false`` sends every model through scikit-learn.

Routing tables are cached per process and keyed by the deployment's current revision. The revision id is read
from the shared cache (Redis in production) at most every ``KEEL_STAMP_TTL`` (core/hotcache.py), with no database
query, so a traffic change or rollback is seen by every process within that time (and at once by the process that
made it). Models are immutable and hash-checked on load.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.cache import cache

from core import hotcache
from core.audit import audit_record
from core.errors import NotFound, ServiceUnavailable
from core.storage import blob_read_verified
from registry.engine import OnnxEngine, frame, sklearn_predict
from registry.models import ModelVersion
from registry.services.models import model_version_load
from serving.models import Deployment, Revision, VariantRole
from serving.routing import Route, RoutingTable, rebalance

logger = logging.getLogger(__name__)


def stamp_key(deployment_id: int) -> str:
    return f"serving:rev:{deployment_id}"


def bump(deployment_id: int, revision_id: int | None) -> None:
    """Publish a deployment's current revision to every process (called on commit)."""
    hotcache.stamps.publish(stamp_key(deployment_id), revision_id or 0)


# --- models -----------------------------------------------------------------------------------------------------


@dataclass
class LoadedModel:
    version_id: int
    pipeline: Any
    loaded_at: float
    load_ms: float
    size: int
    last_used: float = 0.0
    hits: int = 0
    onnx: OnnxEngine | None = None  # the ONNX Runtime session, when the version is served by it

    @property
    def engine(self) -> str:
        return "onnxruntime" if self.onnx is not None else "sklearn"

    @cached_property
    def classes(self) -> tuple[Any, ...]:
        """The classifier's classes as plain Python values (an answer's ``classes``), worked out once."""
        return tuple(c.item() if hasattr(c, "item") else c for c in self.pipeline.classes_)

    def predict(self, rows: list[dict[str, Any]], signature: dict[str, Any]) -> tuple[Any, Any]:
        """(labels or values, class probabilities or None) for a batch, from the version's engine."""
        if self.onnx is not None:
            return self.onnx.predict(rows)
        return sklearn_predict(self.pipeline, frame(rows, signature))


def _onnx_engine(version: ModelVersion, pipeline: Any) -> OnnxEngine | None:
    capabilities = version.capabilities or {}
    sha256 = capabilities.get("onnx_sha256")
    if not settings.KEEL_SERVING_FAST_PATH or capabilities.get("engine") != "onnxruntime" or not sha256:
        return None
    missing_to_sklearn = capabilities.get("missing_values") != "onnxruntime"
    try:
        graph = blob_read_verified(sha256)
        return OnnxEngine(graph, pipeline, version.signature, missing_to_sklearn=missing_to_sklearn)
    except Exception:  # a graph that no longer loads: scikit-learn still answers, and the log says why
        logger.exception("ONNX graph of model version %s did not load; serving it with scikit-learn", version.pk)
        return None


class ModelCache:
    """Lazily loaded models, evicted when idle too long or when over the size cap (least recently used first)."""

    def __init__(self) -> None:
        self._models: OrderedDict[int, LoadedModel] = OrderedDict()
        self._lock = threading.Lock()
        self.cold_starts: list[tuple[int, float]] = []

    def get(self, version: ModelVersion) -> LoadedModel:
        now = time.monotonic()
        with self._lock:
            entry = self._models.get(version.pk)
            if entry is not None:
                self._models.move_to_end(version.pk)
                entry.last_used, entry.hits = now, entry.hits + 1
                return entry
        entry = self._load(version)
        with self._lock:
            self._models[version.pk] = entry
            self._evict(now)
        return entry

    def _load(self, version: ModelVersion) -> LoadedModel:
        started = time.perf_counter()
        pipeline = model_version_load(version)
        onnx = _onnx_engine(version, pipeline)
        load_ms = (time.perf_counter() - started) * 1000
        self.cold_starts.append((version.pk, load_ms))
        self.cold_starts = self.cold_starts[-100:]
        engine = "onnxruntime" if onnx is not None else "sklearn"
        logger.info("loaded model version %s in %.1f ms (engine: %s)", version.pk, load_ms, engine)
        now = time.monotonic()
        return LoadedModel(version.pk, pipeline, now, load_ms, version.artifact_size, last_used=now, onnx=onnx)

    def _evict(self, now: float) -> None:
        idle = settings.KEEL_MODEL_IDLE_SECONDS
        for key in [k for k, m in self._models.items() if now - m.last_used > idle]:
            del self._models[key]
        budget = settings.KEEL_MODEL_CACHE_MB * 1024 * 1024
        while len(self._models) > 1 and (
            len(self._models) > settings.KEEL_MODEL_CACHE_SIZE or self._footprint() > budget
        ):
            self._models.popitem(last=False)

    def _footprint(self) -> int:
        """Approximate bytes in memory: a fitted pipeline takes a few times its compressed artifact."""
        return sum(m.size * 4 for m in self._models.values())

    def loaded(self) -> dict[int, LoadedModel]:
        with self._lock:
            return dict(self._models)

    def clear(self) -> None:
        with self._lock:
            self._models.clear()


# --- routing ------------------------------------------------------------------------------------------------------


@dataclass
class VariantInfo:
    name: str
    role: str
    weight: float
    version: ModelVersion


@dataclass
class DeploymentTable:
    deployment_id: int
    project_id: int
    name: str
    revision_id: int
    revision_number: int
    policy: dict[str, Any]
    table: RoutingTable
    variants: dict[str, VariantInfo] = field(default_factory=dict)
    excluded: list[str] = field(default_factory=list)


class RoutingCache:
    def __init__(self) -> None:
        self._ids: dict[tuple[int, str], int] = {}
        self._tables: dict[int, DeploymentTable] = {}
        self._lock = threading.Lock()

    def resolve(self, project_id: int, name: str) -> DeploymentTable:
        deployment_id = self._ids.get((project_id, name))
        if deployment_id is None:
            row = Deployment.objects.filter(project_id=project_id, name=name).values_list("pk", "current_revision_id")
            found = row.first()
            if found is None:
                raise NotFound(f"Deployment {name!r} not found.")
            deployment_id = found[0]
            self._ids[(project_id, name)] = deployment_id
        return self.table(deployment_id)

    def table(self, deployment_id: int) -> DeploymentTable:
        revision_id = hotcache.stamps.get(stamp_key(deployment_id))
        current = self._tables.get(deployment_id)
        if current is not None and revision_id is not None and current.revision_id == revision_id:
            return current
        built = self._build(deployment_id)
        # add, not set: a process that read the database just before a change must not overwrite the newer stamp
        hotcache.stamps.add(stamp_key(deployment_id), built.revision_id)
        with self._lock:
            self._tables[deployment_id] = built
        return built

    def _build(self, deployment_id: int) -> DeploymentTable:
        deployment = Deployment.objects.filter(pk=deployment_id).select_related("current_revision").first()
        if deployment is None:
            self._ids = {k: v for k, v in self._ids.items() if v != deployment_id}
            raise NotFound("Deployment not found.")
        revision = deployment.current_revision
        if revision is None:
            raise ServiceUnavailable(f"Deployment {deployment.name!r} has no revision yet.")
        return build_table(deployment, revision)

    def forget(self, deployment_id: int | None = None) -> None:
        with self._lock:
            if deployment_id is None:
                self._tables.clear()
                self._ids.clear()
            else:
                self._tables.pop(deployment_id, None)


def build_table(deployment: Deployment, revision: Revision) -> DeploymentTable:
    variants = {
        v.name: VariantInfo(v.name, v.role, v.weight, v.model_version)
        for v in revision.variants.select_related("model_version__registered_model")
    }
    excluded = sorted(name for name, v in variants.items() if not v.version.can_serve)
    live = {n: v.weight for n, v in variants.items() if v.role not in (VariantRole.SHADOW, VariantRole.STANDBY)}
    weights = rebalance(live, set(excluded))
    routes = [Route(n, w, variants[n].version.pk) for n, w in weights.items()]
    shadows = [
        Route(n, v.weight, v.version.pk)
        for n, v in variants.items()
        if v.role == VariantRole.SHADOW and n not in excluded
    ]
    if excluded:
        _report_excluded(deployment, revision, excluded)
    return DeploymentTable(
        deployment_id=deployment.pk,
        project_id=deployment.project_id,
        name=deployment.name,
        revision_id=revision.pk,
        revision_number=revision.number,
        policy=deployment.policy,
        table=RoutingTable(salt=deployment.routing_salt, live=routes, shadows=shadows),
        variants=variants,
        excluded=excluded,
    )


def _report_excluded(deployment: Deployment, revision: Revision, excluded: list[str]) -> None:
    """One audit event per (revision, excluded set), however many processes notice."""
    key = f"serving:excluded:{revision.pk}:{','.join(excluded)}"
    if cache.add(key, 1, timeout=24 * 3600):
        audit_record(
            action="deployment.variant_excluded",
            actor=None,
            project=deployment.project,
            obj=deployment,
            data={
                "revision": revision.number,
                "variants": excluded,
                "reason": "version unhealthy, not approved or archived",
            },
        )


models = ModelCache()
routes = RoutingCache()
