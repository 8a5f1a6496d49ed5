"""GET /metrics: Keel's state in the Prometheus text exposition format, read from the database at scrape time.

Every scrape builds a fresh ``CollectorRegistry`` holding one ``KeelCollector`` that reads the database (and the
broker's queue lengths) there and then. Nothing is counted in process memory, so every gunicorn worker answers
with the same numbers and no prometheus multiprocess mode is needed. The number of queries is fixed (eight),
whatever the number of projects, deployments or predictions:

    projects, deployments (with their latest OK drift report as subqueries), the prediction totals of the rolled-up
    minutes, the prediction log after the rollup watermark (counts, latency histogram buckets and sums in one
    grouped query), feedback, firing alerts, training jobs, model versions

Access: a bearer token equal to ``KEEL_METRICS_TOKEN``, or a client address inside
``KEEL_METRICS_ALLOWED_NETWORKS``. A request that carries a proxy header (``X-Forwarded-For``, ``Forwarded``,
``X-Real-IP``) came through a proxy: its ``REMOTE_ADDR`` is the proxy's, so the address list does not apply to
it and it needs the token. A wrong token is refused even from an allowed address, and counts as a failed token
authentication of the client's address like a wrong API token (``core.throttling.TokenFailures``). The view
(``monitoring.apis.MetricsView``) is a plain Django view: no DRF authentication (the metrics token is not a Keel
API token) and no throttling.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from itertools import accumulate
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.utils import floatToGoString

from core.health import check_cache
from core.models import Project
from core.throttling import client_ip, token_failures
from monitoring.drift.status import STATUSES as DRIFT_STATUSES
from monitoring.models import COMPUTED_STATUSES, Alert, AlertStatus, DriftReport, Severity
from registry.models import ApprovalState, ModelHealth, ModelVersion
from serving.latency import BOUNDS
from serving.models import Deployment, Feedback, PredictionLog, PredictionTotal, RollupWatermark
from serving.traffic import WATERMARK as ROLLUP_WATERMARK
from training.models import JobStatus, TrainingJob

logger = logging.getLogger(__name__)

# The Celery queues (config/celery.py) and kombu's Redis priority sub-queues: a queue ``q`` stores its messages
# under ``q`` and ``q\x06\x16{3,6,9}`` (default priority steps, no global key prefix).
QUEUES = ("default", "training", "monitoring")
_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")
FINITE_BOUNDS = tuple(bound for bound in BOUNDS if math.isfinite(bound))

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


# --- Access ----------------------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def allowed_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """The parsed allow-list; an invalid entry is a configuration error naming the variable."""
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as exc:
        raise ImproperlyConfigured(f"KEEL_METRICS_ALLOWED_NETWORKS: {exc}") from None


def client_address(request: HttpRequest) -> Address | None:
    """The peer's address, or None when unknown or when the request came through a proxy."""
    if any(header in request.META for header in PROXY_HEADERS):
        return None
    raw = str(request.META.get("REMOTE_ADDR") or "").split("%", 1)[0]
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # an IPv4 client of a dual-stack socket
    return address


def address_allowed(request: HttpRequest) -> bool:
    address = client_address(request)
    networks = allowed_networks(tuple(settings.KEEL_METRICS_ALLOWED_NETWORKS))
    return address is not None and any(address in network for network in networks)


def bearer_token(request: HttpRequest) -> str | None:
    scheme, _, value = str(request.META.get("HTTP_AUTHORIZATION", "")).partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def refusal(request: HttpRequest) -> HttpResponse | None:
    """None when the scrape may go ahead; otherwise the 401/403 response refusing it."""
    expected = settings.KEEL_METRICS_TOKEN or ""
    presented = bearer_token(request)
    if expected and presented is not None:
        if hmac.compare_digest(presented.encode(), expected.encode()):
            return None
        token_failures.record(client_ip(request))  # held with the API's failed tokens (core/middleware.py)
        return HttpResponse("forbidden: wrong metrics token\n", status=403, content_type="text/plain")
    if address_allowed(request):
        return None
    if expected:
        response = HttpResponse("metrics token required\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="keel-metrics"'
        return response
    return HttpResponse("forbidden\n", status=403, content_type="text/plain")


# --- Reading the database ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeploymentRow:
    project: str
    name: str
    revision: int | None
    drift_share: float | None
    dataset_drift: bool | None
    drift_status: str | None = None
    n_drifted: int | None = None


def read_projects() -> dict[int, str]:
    return dict(Project.objects.order_by().values_list("id", "slug"))


def read_deployments() -> dict[int, DeploymentRow]:
    """Every deployment with its current revision and its latest computed all-traffic drift report (one query)."""
    latest = DriftReport.objects.filter(deployment=OuterRef("pk"), variant="", status__in=COMPUTED_STATUSES)
    latest = latest.order_by("-window_end", "-id")
    rows = (
        Deployment.objects.order_by()
        .values("id", "name", "project__slug", "current_revision__number")
        .annotate(
            drift_share=Subquery(latest.values("share_drifted")[:1]),
            dataset_drift=Subquery(latest.values("dataset_drift")[:1]),
            drift_status=Subquery(latest.values("status")[:1]),
            n_drifted=Subquery(latest.values("n_drifted")[:1]),
        )
    )
    return {
        row["id"]: DeploymentRow(
            project=row["project__slug"],
            name=row["name"],
            revision=row["current_revision__number"],
            drift_share=row["drift_share"],
            dataset_drift=None if row["dataset_drift"] is None else bool(row["dataset_drift"]),
            drift_status=row["drift_status"],
            n_drifted=row["n_drifted"],
        )
        for row in rows
    }


def read_predictions() -> list[dict[str, Any]]:
    """Counts, latency sums and cumulative bucket counts per (deployment, variant, shadow, outcome): the all-time
    totals of the rolled-up minutes (one query) plus the raw rows after the rollup watermark (one grouped query)."""
    rows: list[dict[str, Any]] = []
    for total in PredictionTotal.objects.order_by().values(
        "deployment_id", "variant", "shadow", "requests", "errors", "latency_sum_ms", "latency"
    ):
        cumulative = list(accumulate(total["latency"]))
        key = {"deployment_id": total["deployment_id"], "variant": total["variant"], "shadow": total["shadow"]}
        latency = {f"le_{i}": cumulative[i] for i in range(len(FINITE_BOUNDS))}
        ok = total["requests"] - total["errors"]
        rows.append({**key, "is_error": False, "n": ok, "latency_n": total["requests"], **latency})
        rows[-1]["latency_sum"] = total["latency_sum_ms"]
        if total["errors"]:
            empty = {f"le_{i}": 0 for i in range(len(FINITE_BOUNDS))}
            rows.append({**key, "is_error": True, "n": total["errors"], "latency_n": 0, "latency_sum": 0.0, **empty})
    mark = RollupWatermark.objects.filter(name=ROLLUP_WATERMARK).values("until")[:1]
    buckets = {f"le_{i}": Count("id", filter=Q(latency_ms__lte=bound)) for i, bound in enumerate(FINITE_BOUNDS)}
    tail = (
        PredictionLog.objects.order_by()
        .filter(created_at__gte=Coalesce(Subquery(mark), Value(datetime.min.replace(tzinfo=UTC))))
        .values("deployment_id", "variant", "shadow", "is_error")
        .annotate(n=Count("id"), latency_sum=Sum("latency_ms"), **buckets)
    )
    return rows + [{**row, "latency_n": row["n"]} for row in tail]


def count_by(queryset: Any, *fields: str) -> dict[tuple[Any, ...], int]:
    """Row counts grouped by ``fields``, keyed by their values in order (one query)."""
    rows = queryset.order_by().values(*fields).annotate(n=Count("id"))
    return {tuple(row[field] for field in fields): row["n"] for row in rows}


def read_queue_lengths() -> dict[str, int] | None:
    """LLEN of each Celery queue on a Redis broker; None when eager, not Redis, or unreachable."""
    url = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER or not url or not url.startswith(("redis://", "rediss://")):
        return None
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            pipeline = client.pipeline(transaction=False)
            for queue in QUEUES:
                for suffix in _PRIORITY_SUFFIXES:
                    pipeline.llen(queue + suffix)
            lengths = pipeline.execute()
        finally:
            client.close()
    except Exception as exc:  # any broker or socket error: leave the metric out, never fail the scrape
        logger.warning("metrics: broker queue lengths unavailable: %s: %s", type(exc).__name__, exc)
        return None
    step = len(_PRIORITY_SUFFIXES)
    return {queue: int(sum(lengths[i * step : (i + 1) * step])) for i, queue in enumerate(QUEUES)}


# --- Metric families -------------------------------------------------------------------------------------------


@dataclass
class Latency:
    """One histogram series: cumulative counts per finite bound, the total count and the sum in ms."""

    buckets: list[int] = field(default_factory=lambda: [0] * len(FINITE_BOUNDS))
    count: int = 0
    total: float = 0.0

    def add(self, row: dict[str, Any]) -> None:
        self.buckets = [n + row[f"le_{i}"] for i, n in enumerate(self.buckets)]
        self.count += row["latency_n"]
        self.total += row["latency_sum"] or 0.0


def prediction_metrics(rows: list[dict[str, Any]], deployments: dict[int, DeploymentRow]) -> Iterator[Metric]:
    """keel_predictions_total and keel_prediction_latency_ms (rows of deleted deployments are left out)."""
    total = CounterMetricFamily(
        "keel_predictions",
        "Predictions logged (shadow ones included, flagged).",
        labels=["project", "deployment", "variant", "shadow", "outcome"],
    )
    latencies: dict[tuple[str, str, str], Latency] = defaultdict(Latency)
    for row in rows:
        if (deployment := deployments.get(row["deployment_id"])) is None:
            continue
        shadow, outcome = str(row["shadow"]).lower(), "error" if row["is_error"] else "ok"
        if row["n"]:
            total.add_metric([deployment.project, deployment.name, row["variant"], shadow, outcome], row["n"])
        latencies[(deployment.project, deployment.name, row["variant"])].add(row)
    yield total
    yield latency_histogram(latencies)


def latency_histogram(latencies: dict[tuple[str, str, str], Latency]) -> Metric:
    family = HistogramMetricFamily(
        "keel_prediction_latency_ms",
        "Prediction latency in milliseconds, errors included (buckets: serving.latency.BOUNDS).",
        labels=["project", "deployment", "variant"],
    )
    for labels, latency in sorted(latencies.items()):
        buckets: list[tuple[str, float]] = [
            (floatToGoString(bound), n) for bound, n in zip(FINITE_BOUNDS, latency.buckets, strict=True)
        ]
        buckets.append(("+Inf", latency.count))
        family.add_metric(list(labels), buckets, sum_value=latency.total)
    return family


def feedback_metric(counts: dict[tuple[Any, ...], int], deployments: dict[int, DeploymentRow]) -> Metric:
    family = CounterMetricFamily(
        "keel_feedback", "Ground-truth feedback received (corrections included).", labels=["project", "deployment"]
    )
    for (deployment_id,), n in sorted(counts.items()):
        if (deployment := deployments.get(deployment_id)) is not None:
            family.add_metric([deployment.project, deployment.name], n)
    return family


def deployment_metrics(deployments: dict[int, DeploymentRow]) -> Iterator[Metric]:
    """keel_drift_share, keel_dataset_drift, keel_drift_status, keel_drifted_features (the latest computed
    all-traffic report; its status by the rule of monitoring.drift.status) and keel_deployment_revision."""
    labels = ["project", "deployment"]
    share = GaugeMetricFamily("keel_drift_share", "Share of drifted columns in the latest report.", labels=labels)
    drift = GaugeMetricFamily("keel_dataset_drift", "1 when the latest report found dataset drift.", labels=labels)
    status = GaugeMetricFamily(
        "keel_drift_status",
        "1 for the status of the latest drift report (ok, warning: some features drifted, drift: the dataset).",
        labels=[*labels, "status"],
    )
    drifted = GaugeMetricFamily("keel_drifted_features", "Features drifted in the latest report.", labels=labels)
    revision = GaugeMetricFamily("keel_deployment_revision", "Current traffic revision number.", labels=labels)
    for row in sorted(deployments.values(), key=lambda r: (r.project, r.name)):
        if row.drift_share is not None:
            share.add_metric([row.project, row.name], row.drift_share)
        if row.dataset_drift is not None:
            drift.add_metric([row.project, row.name], float(row.dataset_drift))
        if row.drift_status is not None:
            for name in DRIFT_STATUSES:
                status.add_metric([row.project, row.name, name], float(row.drift_status == name))
        if row.n_drifted is not None:
            drifted.add_metric([row.project, row.name], row.n_drifted)
        if row.revision is not None:
            revision.add_metric([row.project, row.name], row.revision)
    yield from (share, drift, status, drifted, revision)


def per_project_gauge(
    name: str,
    documentation: str,
    labels: list[str],
    counts: dict[tuple[Any, ...], int],
    projects: dict[int, str],
    combinations: Sequence[tuple[str, ...]],
) -> Metric:
    """A gauge per project and label combination, zero when nothing matches (so alerts can test ``> 0``)."""
    family = GaugeMetricFamily(name, documentation, labels=["project", *labels])
    for project_id, slug in sorted(projects.items(), key=lambda item: item[1]):
        for combination in combinations:
            family.add_metric([slug, *combination], counts.get((project_id, *combination), 0))
    return family


def queue_metric(lengths: dict[str, int]) -> Metric:
    family = GaugeMetricFamily("keel_celery_queue_length", "Messages waiting in a Celery queue.", labels=["queue"])
    for queue, length in lengths.items():
        family.add_metric([queue], length)
    return family


def cache_metric() -> Metric:
    """keel_cache_up: whether the shared cache (Redis) answers now; predictions continue without it."""
    family = GaugeMetricFamily(
        "keel_cache_up", "1 when the shared cache (Redis) answers; 0 during an outage (predictions continue)."
    )
    family.add_metric([], 1 if check_cache()[0] else 0)
    return family


def project_metrics(projects: dict[int, str]) -> Iterator[Metric]:
    """keel_alerts_firing, keel_training_jobs and keel_model_versions, zero-filled per project."""
    firing = count_by(Alert.objects.filter(status=AlertStatus.FIRING), "rule__project_id", "severity")
    yield per_project_gauge(
        "keel_alerts_firing", "Alerts firing.", ["severity"], firing, projects, [(s,) for s in Severity.values]
    )
    jobs = count_by(TrainingJob.objects, "project_id", "status")
    yield per_project_gauge(
        "keel_training_jobs", "Training jobs by status.", ["status"], jobs, projects, [(s,) for s in JobStatus.values]
    )
    versions = count_by(ModelVersion.objects, "registered_model__project_id", "approval", "health")
    combinations = [(a, h) for a in ApprovalState.values for h in ModelHealth.values]
    yield per_project_gauge(
        "keel_model_versions",
        "Model versions by approval and health.",
        ["approval", "health"],
        versions,
        projects,
        combinations,
    )


class KeelCollector:
    """Reads the database at collect time; registered on a fresh registry per scrape."""

    def describe(self) -> list[Metric]:
        return []  # names are not declared up front; registering must not run the queries

    def collect(self) -> Iterator[Metric]:
        projects = read_projects()
        deployments = read_deployments()
        yield from prediction_metrics(read_predictions(), deployments)
        yield feedback_metric(count_by(Feedback.objects, "deployment_id"), deployments)
        yield from deployment_metrics(deployments)
        yield from project_metrics(projects)
        yield cache_metric()
        lengths = read_queue_lengths()
        if lengths is not None:
            yield queue_metric(lengths)


def render_metrics() -> bytes:
    registry = CollectorRegistry()
    registry.register(KeelCollector())
    return generate_latest(registry)
