"""Reads for experiments and runs: lookups scoped to a project, run search (filter and order_by from
registry/search.py translated to Exists/Subquery over the param, tag and metric-summary tables), metric
history, artifacts (streamed with a hash check) and run comparison."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, OrderBy, OuterRef, Prefetch, Q, QuerySet, Subquery

from core.errors import NotFound, ServiceUnavailable, ValidationFailed
from core.models import Project
from core.selectors import first_or_not_found
from core.storage import CHUNK, IntegrityError, blob_exists, blob_iter, blob_read_verified
from registry import search
from registry.models import (
    DatasetVersion,
    Experiment,
    LifecycleStage,
    Run,
    RunArtifact,
    RunInput,
    RunMetric,
    RunMetricSummary,
    RunParam,
    RunTag,
)
from registry.models.experiments import normalise_artifact_path

logger = logging.getLogger(__name__)

COMPARE_MIN_RUNS = 2
COMPARE_MAX_RUNS = 50

# --- experiments ------------------------------------------------------------------------------------------------


def experiment_list(
    *, project: Project, lifecycle: str = LifecycleStage.ACTIVE, name: str = ""
) -> QuerySet[Experiment]:
    """Experiments by name with ``run_count`` (their active runs); ``lifecycle`` is active, deleted or all."""
    experiments = Experiment.objects.filter(project=project).select_related("created_by")
    if lifecycle != "all":
        experiments = experiments.filter(lifecycle_stage=lifecycle)
    if name:
        experiments = experiments.filter(name__icontains=name)
    active_runs = Count("runs", filter=Q(runs__lifecycle_stage=LifecycleStage.ACTIVE))
    return experiments.annotate(run_count=active_runs).order_by("name")


def experiment_get(*, project: Project, name: str) -> Experiment:
    return first_or_not_found(
        experiment_list(project=project, lifecycle="all").filter(name=name), f"Experiment {name!r} not found."
    )


# --- runs -------------------------------------------------------------------------------------------------------


def _with_data(runs: QuerySet[Run]) -> QuerySet[Run]:
    """Runs with what the list shape shows: experiment, user, params, tags and latest metrics (3 extra queries)."""
    return runs.select_related("experiment", "user").prefetch_related(
        Prefetch("params", queryset=RunParam.objects.order_by("key")),
        Prefetch("tags", queryset=RunTag.objects.order_by("key")),
        Prefetch("metric_summaries", queryset=RunMetricSummary.objects.order_by("key")),
    )


def run_get(*, project: Project, run_id: str) -> Run:
    """A run of this project, in any lifecycle stage; runs of other projects are not found."""
    return first_or_not_found(
        Run.objects.select_related("experiment", "project", "user").filter(project=project, run_id=run_id),
        f"Run {run_id!r} not found.",
    )


def run_find(*, project: Project, run_id: str) -> Run | None:
    """A run of this project, or None."""
    return Run.objects.filter(project=project, run_id=run_id).first()


def run_get_detail(*, project: Project, run_id: str) -> Run:
    runs = _with_data(Run.objects.filter(project=project, run_id=run_id)).prefetch_related(
        Prefetch("inputs", queryset=RunInput.objects.order_by("id"))
    )
    return first_or_not_found(runs.annotate(artifact_count=Count("artifacts")), f"Run {run_id!r} not found.")


def _syntax_error(field_name: str, exc: search.SearchSyntaxError) -> ValidationFailed:
    message = f"{exc.message} (at position {exc.position}"
    message += f", near {exc.token!r})" if exc.token else ", at the end)"
    error = {"field": field_name, "message": message, "code": "syntax", "position": exc.position, "token": exc.token}
    return ValidationFailed(f"{field_name}: {message}", errors=[error])


def _parse_filter(text: str) -> search.Node | None:
    try:
        return search.parse_filter(text)
    except search.SearchSyntaxError as exc:
        raise _syntax_error("filter", exc) from None


def _parse_order_by(clauses: Sequence[str]) -> list[search.OrderKey]:
    keys: list[search.OrderKey] = []
    for index, clause in enumerate(clauses):
        try:
            keys.extend(search.parse_order_by(clause))
        except search.SearchSyntaxError as exc:
            raise _syntax_error("order_by" if len(clauses) == 1 else f"order_by[{index}]", exc) from None
    return keys


def run_search(
    *,
    project: Project,
    filter_expression: str = "",
    order_by: Sequence[str] = (),
    experiments: Sequence[str] = (),
    lifecycle: str = LifecycleStage.ACTIVE,
) -> QuerySet[Run]:
    """Runs of the project matching ``filter_expression`` (see registry/search.py), ordered by ``order_by`` then newest
    first. ``experiments`` limits to those experiment names; ``lifecycle`` is active, deleted or all."""
    node = _parse_filter(filter_expression)
    keys = _parse_order_by(order_by)
    runs = Run.objects.filter(project=project).in_stage(lifecycle)
    if experiments:
        runs = runs.filter(experiment__name__in=list(experiments))
    if node is not None:
        runs = runs.filter(_condition(node))
    ordering = [_order_expression(key) for key in keys]
    return _with_data(runs).order_by(*ordering, "-start_time", "-id")


# --- filter translation -------------------------------------------------------------------------------------------

_ATTRIBUTE_FIELDS = {
    "status": "status",
    "name": "name",
    "run_id": "run_id",
    "user": "user__username",
    "source": "source",
    "experiment": "experiment__name",
    "code_version": "code_version",
    "start_time": "start_time",
    "end_time": "end_time",
}
_DATASET_FIELDS = {"name": "dataset_name", "version": "version_number", "role": "role"}
_ORDERED_LOOKUPS = {"=": "exact", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}


def _condition(node: search.Node) -> Q:
    if isinstance(node, search.BoolOp):
        parts = [_condition(operand) for operand in node.operands]
        combined = parts[0]
        for part in parts[1:]:
            combined = combined & part if node.op == "and" else combined | part
        return combined
    return _comparison(node)


def _rows(entity: search.Entity) -> tuple[QuerySet[Any], str]:
    """The per-run rows holding ``entity`` and the column compared: a metric's summary, a param, a tag, an input."""
    if entity.kind == "metric":
        return RunMetricSummary.objects.filter(key=entity.key), "latest_value"
    if entity.kind == "param":
        return RunParam.objects.filter(key=entity.key), "value"
    if entity.kind == "tag":
        return RunTag.objects.filter(key=entity.key), "value"
    return RunInput.objects.all(), _DATASET_FIELDS[entity.key]


def _comparison(node: search.Comparison) -> Q:
    if node.entity.kind == "attribute":
        return value_condition(_ATTRIBUTE_FIELDS[node.entity.key], node)
    rows, column = _rows(node.entity)
    return Q(Exists(rows.filter(run=OuterRef("pk")).filter(value_condition(column, node))))


def value_condition(column: str, node: search.Comparison) -> Q:
    """``column <op> value``. NULL (a NaN metric, a missing end_time) satisfies no comparison, != included."""
    op, value = node.op, node.value
    if op in _ORDERED_LOOKUPS:
        return Q(**{f"{column}__{_ORDERED_LOOKUPS[op]}": value})
    if op == "!=":
        if node.entity.numeric or node.entity.temporal:
            return Q(**{f"{column}__lt": value}) | Q(**{f"{column}__gt": value})
        return ~Q(**{column: value}) & Q(**{f"{column}__isnull": False})
    if op in ("LIKE", "ILIKE"):
        lookup = "regex" if op == "LIKE" else "iregex"
        return Q(**{f"{column}__{lookup}": search.like_to_regex(str(value))})
    assert isinstance(value, tuple)
    in_list = Q(**{f"{column}__in": list(value)})
    return in_list if op == "IN" else ~in_list & Q(**{f"{column}__isnull": False})


def _order_expression(key: search.OrderKey) -> OrderBy:
    """The ordering for one key; runs without the key (or with a NaN latest value) sort last either way."""
    expression: Any
    if key.entity.kind == "attribute":
        expression = F(_ATTRIBUTE_FIELDS[key.entity.key])
    else:
        rows, column = _rows(key.entity)
        expression = Subquery(rows.filter(run=OuterRef("pk")).values(column)[:1])
    return expression.desc(nulls_last=True) if key.descending else expression.asc(nulls_last=True)


# --- series, inputs, dataset lookups ----------------------------------------------------------------------------


def run_metric_history(*, run: Run, key: str) -> QuerySet[RunMetric]:
    return RunMetric.objects.filter(run=run, key=key).order_by("step", "timestamp", "id")


def run_input_list(*, run: Run) -> QuerySet[RunInput]:
    return RunInput.objects.filter(run=run).order_by("id")


def dataset_version_get_for_input(*, project: Project, dataset: str, version: int) -> DatasetVersion:
    """A dataset version of this project (versions of other projects are not found)."""
    return first_or_not_found(
        DatasetVersion.objects.select_related("dataset").filter(
            dataset__project=project, dataset__name=dataset, number=version
        ),
        f"Dataset {dataset!r} has no version {version} in this project.",
    )


# --- artifacts --------------------------------------------------------------------------------------------------


def _clean_path(path: str, *, allow_root: bool) -> str:
    try:
        return normalise_artifact_path(path, allow_root=allow_root)
    except ValidationError as exc:
        raise ValidationFailed.field("path", exc.messages[0], exc.error_list[0].code or "invalid") from None


def run_artifact_list(*, run: Run, path: str = "") -> QuerySet[RunArtifact]:
    """The run's files under the folder ``path`` (all of them when empty), by path."""
    prefix = _clean_path(path, allow_root=True)
    artifacts = RunArtifact.objects.filter(run=run).select_related("created_by").order_by("path")
    return artifacts.filter(path__startswith=f"{prefix}/") if prefix else artifacts


def run_artifact_find(*, run: Run, path: str) -> RunArtifact | None:
    """The run's file at exactly ``path``, or None."""
    return RunArtifact.objects.filter(run=run, path=path).first()


def run_artifact_get(*, run: Run, path: str) -> RunArtifact:
    logical = _clean_path(path, allow_root=False)
    artifact = run_artifact_find(run=run, path=logical)
    if artifact is None:
        raise NotFound(f"Run {run.run_id} has no artifact {logical!r}.")
    return artifact


def run_artifact_content(*, artifact: RunArtifact) -> Iterator[bytes]:
    """The artifact's bytes, hash-checked. Small files are verified before the first byte is returned; larger
    ones stream and the last chunk is held back until the whole hash matches, so a corrupted file is never
    delivered complete (the response is cut short and the mismatch is logged)."""
    if not blob_exists(artifact.sha256):
        logger.error("artifact blob missing: run=%s path=%s", artifact.run_id, artifact.path)
        raise ServiceUnavailable(f"The content of {artifact.path!r} is missing from storage.")
    if artifact.size <= CHUNK:
        try:
            return iter([blob_read_verified(artifact.sha256)])
        except IntegrityError:
            logger.error("artifact blob corrupt: run=%s path=%s", artifact.run_id, artifact.path)
            raise ServiceUnavailable(f"The content of {artifact.path!r} failed its integrity check.") from None
    return _verified_chunks(artifact.sha256, artifact.size)


def _verified_chunks(sha256: str, size: int) -> Iterator[bytes]:
    digest = hashlib.sha256()
    held: bytes | None = None
    seen = 0
    for chunk in blob_iter(sha256):
        digest.update(chunk)
        seen += len(chunk)
        if held is not None:
            yield held
        held = chunk
    if seen != size or digest.hexdigest() != sha256:
        logger.error("artifact blob corrupt while streaming: sha256=%s", sha256)
        raise IntegrityError(f"blob {sha256} does not match its hash")
    if held is not None:
        yield held


# --- compare ----------------------------------------------------------------------------------------------------


@dataclass
class MetricComparison:
    key: str
    runs: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class RunComparison:
    runs: list[Run]
    params: list[dict[str, Any]]
    metrics: list[MetricComparison]


def run_compare(
    *, project: Project, run_ids: Sequence[str], keys: Sequence[str] = (), max_points: int = 1000, series: bool = True
) -> RunComparison:
    """2..50 runs side by side: params with a ``differs`` flag, and per metric key each run's latest value
    (greatest step), min, max and, unless ``series`` is false, its points downsampled to ``max_points``."""
    runs = _compare_runs(project, run_ids)
    params = _compare_params(runs)
    metrics = _compare_metrics(runs, keys)
    if series:
        _attach_series(runs, metrics, keys, max_points)
    return RunComparison(runs=runs, params=params, metrics=list(metrics.values()))


def _compare_runs(project: Project, run_ids: Sequence[str]) -> list[Run]:
    wanted = list(dict.fromkeys(run_ids))
    if not COMPARE_MIN_RUNS <= len(wanted) <= COMPARE_MAX_RUNS:
        raise ValidationFailed.field(
            "run_ids", f"give between {COMPARE_MIN_RUNS} and {COMPARE_MAX_RUNS} distinct run ids", "count"
        )
    candidates = Run.objects.select_related("experiment").filter(project=project, run_id__in=wanted)
    found = {run.run_id: run for run in candidates}
    missing = [run_id for run_id in wanted if run_id not in found]
    if missing:
        raise NotFound(f"Runs not found: {', '.join(missing)}.")
    return [found[run_id] for run_id in wanted]


def _compare_params(runs: list[Run]) -> list[dict[str, Any]]:
    values: dict[str, dict[str, str | None]] = defaultdict(dict)
    by_pk = {run.pk: run.run_id for run in runs}
    for run_pk, key, value in RunParam.objects.filter(run__in=runs).values_list("run_id", "key", "value"):
        values[key][by_pk[run_pk]] = value
    rows = []
    for key in sorted(values):
        row = {run.run_id: values[key].get(run.run_id) for run in runs}
        rows.append({"key": key, "values": row, "differs": len(set(row.values())) > 1})
    return rows


def _compare_metrics(runs: list[Run], keys: Sequence[str]) -> dict[str, MetricComparison]:
    summaries = RunMetricSummary.objects.filter(run__in=runs).select_related("run").order_by("key", "run_id")
    if keys:
        summaries = summaries.filter(key__in=list(keys))
    order = {run.pk: index for index, run in enumerate(runs)}
    metrics: dict[str, MetricComparison] = {}
    for summary in sorted(summaries, key=lambda s: (s.key, order[s.run_id])):
        metrics.setdefault(summary.key, MetricComparison(summary.key)).runs.append(
            {
                "run_id": summary.run.run_id,
                "latest": summary.latest_value,
                "latest_step": summary.latest_step,
                "min": summary.min_value,
                "max": summary.max_value,
                "count": summary.count,
            }
        )
    return metrics


def _attach_series(runs: list[Run], metrics: dict[str, MetricComparison], keys: Sequence[str], limit: int) -> None:
    by_pk = {run.pk: run.run_id for run in runs}
    points: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    rows = RunMetric.objects.filter(run__in=runs, key__in=list(keys or metrics)).order_by(
        "run_id", "key", "step", "timestamp", "id"
    )
    columns = rows.values_list("run_id", "key", "step", "value", "timestamp")
    for run_pk, key, step, value, timestamp in columns.iterator(chunk_size=10_000):
        points[(by_pk[run_pk], key)].append({"step": step, "value": value, "timestamp": timestamp})
    for metric in metrics.values():
        for entry in metric.runs:
            series = points.get((entry["run_id"], metric.key), [])
            entry["points"] = downsample(series, limit)
            entry["total_points"] = len(series)
            entry["downsampled"] = len(entry["points"]) < len(series)


def downsample(points: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """At most ``limit`` points (>= 4) in step order: the first and the last, and between them the lowest and
    the highest point of equal-width buckets, so spikes survive (NaN points are kept only when a bucket has
    nothing else)."""
    if len(points) <= limit:
        return points
    inner = points[1:-1]
    buckets = max(1, (limit - 2) // 2)
    width = len(inner) / buckets
    kept: list[dict[str, Any]] = [points[0]]
    for index in range(buckets):
        chunk = inner[int(index * width) : int((index + 1) * width)]
        numbers = [p for p in chunk if p["value"] is not None]
        if not numbers:
            kept.extend(chunk[:1])
            continue
        low = min(numbers, key=lambda p: p["value"])
        high = max(numbers, key=lambda p: p["value"])
        kept.extend(p for p in chunk if p is low or p is high)
    kept.append(points[-1])
    return kept
