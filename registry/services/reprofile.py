"""Re-profiling stored profiles that predate sketches (migration ``registry.0008`` and ``manage.py reprofile``).

Numeric profile columns carry a KLL sketch of every value (``registry.sketches``); a profile stored before that has
only a 5,000-value sample, which drift reads with a note and a wider error bound. Such a profile can be stored in
three places: a dataset version's profile blob (``profile_sha256``, summarised in ``profile``), a training run's
``data/training_profile.json`` artifact, and a model version's ``reference_profile_sha256`` (the run's artifact,
copied at registration). Each is profiled again from the data it was computed on: a dataset version from its stored
file, a training profile from the re-profiled dataset version it was cut from (its columns, as training cuts it).
The new profile is a new blob and the row is repointed with a conditional update, one row per transaction; the old
blob is deleted once nothing references it. A profile whose data is gone is kept as it is, and reported.

Every row is read on its own (by primary key, in chunks), one dataset file at a time; a row that fails is reported
and the others go on. Profiles that already have sketches are left alone, so running it again does nothing new.
The functions take a Django app registry, so the migration runs them on its historical models.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps as global_apps
from django.db import transaction

from core.storage import Blob, blob_exists, blob_iter, blob_put_bytes, blob_read_verified
from registry import tabular
from registry.services.blobs import delete_unreferenced_blobs

logger = logging.getLogger(__name__)

TRAINING_PROFILE = "data/training_profile.json"
NUMERIC_KINDS = ("numeric", "integer")
CHUNK = 200
GONE_NOTE = "drift keeps reading its sample, with a note"


@dataclass(frozen=True)
class Outcome:
    """What happened to one stored profile. ``action``: reprofiled, would_reprofile, kept, failed or current."""

    kind: str  # dataset version | run artifact | model version
    label: str
    action: str
    detail: str = ""

    def line(self) -> str:
        words = {"reprofiled": "re-profiled", "would_reprofile": "would re-profile"}
        text = f"{self.kind} {self.label}: {words.get(self.action, self.action)}"
        return f"{text} ({self.detail})" if self.detail else text


class _Models:
    def __init__(self, apps: Any) -> None:
        self.DatasetVersion = apps.get_model("registry", "DatasetVersion")
        self.RunArtifact = apps.get_model("registry", "RunArtifact")
        self.RunInput = apps.get_model("registry", "RunInput")
        self.ModelVersion = apps.get_model("registry", "ModelVersion")


def profile_has_sketches(profile: dict[str, Any]) -> bool:
    """Whether every numeric column of a stored profile carries its sketch (the current format)."""
    return all(c.get("sketch") for c in profile.get("columns", []) if c.get("kind") in NUMERIC_KINDS)


def stored_profiles_reprofile(*, apps: Any = None, dry_run: bool = False) -> Iterator[Outcome]:
    """Re-profile every stored profile without sketches (dataset versions first, then what was cut from them),
    yielding one outcome per stored profile. ``dry_run`` reads and reports, and writes nothing."""
    models = _Models(apps or global_apps)
    yield from _each(models.DatasetVersion.objects.exclude(profile_sha256=""), _dataset_version, models, dry_run)
    yield from _each(models.RunArtifact.objects.filter(path=TRAINING_PROFILE), _run_artifact, models, dry_run)
    yield from _each(models.ModelVersion.objects.exclude(reference_profile_sha256=""), _model_version, models, dry_run)


Step = Callable[[_Models, int, bool], Outcome | None]


def _each(queryset: Any, step: Step, models: _Models, dry_run: bool) -> Iterator[Outcome]:
    """``step`` on each row of ``queryset`` by primary key, ``CHUNK`` keys at a time; a failure is an outcome."""
    last = 0
    while True:
        keys = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK])
        if not keys:
            return
        for pk in keys:
            try:
                outcome = step(models, pk, dry_run)
            except Exception as exc:  # one bad row is reported; the others go on
                outcome = _failed(str(queryset.model._meta.verbose_name), f"#{pk}", exc)
            if outcome is not None:
                yield outcome
        last = keys[-1]


def _failed(kind: str, label: str, exc: Exception) -> Outcome:
    logger.exception("re-profiling %s %s failed", kind, label)
    return Outcome(kind, label, "failed", f"{type(exc).__name__}: {exc}"[:500])


# --- dataset versions ---------------------------------------------------------------------------------------------


def _dataset_label(version: Any) -> str:
    return f"{version.dataset.project.slug}/{version.dataset.name}@v{version.number}"


def _dataset_version(models: _Models, pk: int, dry_run: bool) -> Outcome | None:
    version = models.DatasetVersion.objects.select_related("dataset__project").filter(pk=pk).first()
    if version is None or not version.profile_sha256:
        return None
    label = _dataset_label(version)
    try:
        return _reprofile_dataset_version(models, version, label, dry_run)
    except Exception as exc:
        return _failed("dataset version", label, exc)


def _reprofile_dataset_version(models: _Models, version: Any, label: str, dry_run: bool) -> Outcome | None:
    old = version.profile_sha256
    profile = _read_json(old)
    if profile_has_sketches(profile):
        return Outcome("dataset version", label, "current")
    if not blob_exists(version.sha256):
        return Outcome("dataset version", label, "kept", f"its file {version.sha256[:12]} is gone; {GONE_NOTE}")
    if dry_run:
        return Outcome("dataset version", label, "would_reprofile", "from its stored file")
    fresh = tabular.profile_frame(_read_frame(version), version.schema, seed=int(profile.get("seed", 0)))
    blob = blob_put_bytes(json.dumps(fresh, separators=(",", ":")).encode())
    with transaction.atomic():
        stored = models.DatasetVersion.objects.filter(pk=version.pk, profile_sha256=old).update(
            profile=tabular.profile_summary(fresh), profile_sha256=blob.sha256
        )
        transaction.on_commit(lambda: _release([old, blob.sha256]))
    if not stored:
        return None  # deleted or re-profiled meanwhile
    return Outcome("dataset version", label, "reprofiled", f"from its stored file; profile {_short(old, blob)}")


def _read_frame(version: Any) -> Any:
    """The version's rows, from its blob copied to a local file and checked against its sha256 on the way."""
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(suffix=f".{version.format}") as handle:
        for chunk in blob_iter(version.sha256):
            digest.update(chunk)
            handle.write(chunk)
        handle.flush()
        if digest.hexdigest() != version.sha256:
            raise ValueError(f"the stored file no longer matches its sha256 {version.sha256[:12]}")
        return tabular.read_table(handle.name, version.format)


# --- training profiles: run artifacts and model versions ----------------------------------------------------------


def _run_artifact(models: _Models, pk: int, dry_run: bool) -> Outcome | None:
    artifact = models.RunArtifact.objects.select_related("run").filter(pk=pk).first()
    if artifact is None:
        return None
    label = f"run {artifact.run.run_id} {artifact.path}"

    def repoint(blob: Blob) -> int:
        return int(
            models.RunArtifact.objects.filter(pk=pk, sha256=artifact.sha256).update(sha256=blob.sha256, size=blob.size)
        )

    project = artifact.run.project_id
    try:
        sources = _run_inputs(models, artifact.run_id)
        return _training_profile(models, "run artifact", label, artifact.sha256, project, sources, repoint, dry_run)
    except Exception as exc:
        return _failed("run artifact", label, exc)


def _model_version(models: _Models, pk: int, dry_run: bool) -> Outcome | None:
    version = models.ModelVersion.objects.select_related("registered_model__project").filter(pk=pk).first()
    if version is None or not version.reference_profile_sha256:
        return None
    model = version.registered_model
    label, old = f"{model.project.slug}/{model.name} v{version.number}", version.reference_profile_sha256

    def repoint(blob: Blob) -> int:
        return int(
            models.ModelVersion.objects.filter(pk=pk, reference_profile_sha256=old).update(
                reference_profile_sha256=blob.sha256
            )
        )

    try:
        sources = (_run_inputs(models, version.run_id) if version.run_id else []) + list(version.dataset_versions.all())
        return _training_profile(models, "model version", label, old, model.project_id, sources, repoint, dry_run)
    except Exception as exc:
        return _failed("model version", label, exc)


def _run_inputs(models: _Models, run_id: int) -> list[Any]:
    inputs = models.RunInput.objects.filter(run_id=run_id, dataset_version__isnull=False).select_related(
        "dataset_version"
    )
    ordered = sorted(inputs, key=lambda i: (i.role != "training", i.pk))
    return [i.dataset_version for i in ordered]


def _training_profile(
    models: _Models,
    kind: str,
    label: str,
    old: str,
    project_id: int,
    sources: list[Any],
    repoint: Callable[[Blob], int],
    dry_run: bool,
) -> Outcome | None:
    """A training profile (a dataset version's profile cut to some columns) cut again from the re-profiled one."""
    profile = _read_json(old)
    if profile_has_sketches(profile):
        return Outcome(kind, label, "current")
    source = _source(models, profile, project_id, sources)
    if source is None:
        return Outcome(kind, label, "kept", f"no dataset version it was computed on is known; {GONE_NOTE}")
    source_label = _dataset_label(source)
    if not source.profile_sha256:
        return Outcome(kind, label, "kept", f"{source_label} has no profile; {GONE_NOTE}")
    base = _read_json(source.profile_sha256)
    if not profile_has_sketches(base):
        if not blob_exists(source.sha256):
            return Outcome(kind, label, "kept", f"the file of {source_label} is gone; {GONE_NOTE}")
        if dry_run:
            return Outcome(kind, label, "would_reprofile", f"from {source_label}, once that is re-profiled")
        return Outcome(kind, label, "failed", f"{source_label} could not be re-profiled")
    if dry_run:
        return Outcome(kind, label, "would_reprofile", f"from {source_label}")
    blob = blob_put_bytes(_training_json(cut_profile(base, profile)))
    with transaction.atomic():
        stored = repoint(blob)
        transaction.on_commit(lambda: _release([old, blob.sha256]))
    if not stored:
        return None
    return Outcome(kind, label, "reprofiled", f"from {source_label}; profile {_short(old, blob)}")


def cut_profile(base: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """``base`` (a dataset version's profile) cut to the columns of ``old`` (a training profile cut from it), with
    the other keys ``old`` had beside them (such as ``dataset_version``), as training writes it."""
    names = {c["name"] for c in old.get("columns", [])}
    extra = {k: v for k, v in old.items() if k not in base and k != "columns"}
    return {**base, "columns": [c for c in base["columns"] if c["name"] in names], **extra}


def _source(models: _Models, profile: dict[str, Any], project_id: int, sources: list[Any]) -> Any:
    """The dataset version a training profile was cut from: the one it names, else its run's inputs or the model
    version's lineage, and only one whose row count and column kinds are those of the profile."""
    named = _named(models, profile.get("dataset_version"), project_id)
    for candidate in [*named, *sources]:
        if _computed_on(candidate, profile):
            return models.DatasetVersion.objects.select_related("dataset__project").get(pk=candidate.pk)
    return None


def _named(models: _Models, label: Any, project_id: int) -> list[Any]:
    if not isinstance(label, str) or "@v" not in label or "/" not in label:
        return []
    path, _, number = label.rpartition("@v")
    name = path.split("/", 1)[1]
    if not number.isdigit():
        return []
    return list(
        models.DatasetVersion.objects.filter(dataset__project_id=project_id, dataset__name=name, number=int(number))
    )


def _computed_on(version: Any, profile: dict[str, Any]) -> bool:
    kinds = {c["name"]: c["kind"] for c in version.schema}
    rows = profile.get("row_count")
    return (rows is None or rows == version.row_count) and all(
        kinds.get(c["name"]) == c.get("kind") for c in profile.get("columns", [])
    )


# --- storage ------------------------------------------------------------------------------------------------------


def _read_json(sha256: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(blob_read_verified(sha256))
    return data


def _training_json(profile: dict[str, Any]) -> bytes:
    return json.dumps(profile, separators=(",", ":"), sort_keys=True).encode()  # as the training runner writes it


def _short(old: str, blob: Blob) -> str:
    return f"{old[:12]} -> {blob.sha256[:12]}"


def _release(hashes: list[str]) -> None:
    """Delete the blobs among ``hashes`` that nothing references any more (a failure only leaves a blob behind)."""
    try:
        delete_unreferenced_blobs(hashes)
    except Exception:
        logger.exception("could not delete the replaced profile blobs %s", hashes)
