"""Reports over a deployment's traffic: A/B significance from feedback, and the shadow comparison."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Avg

from core.errors import Conflict, ValidationFailed
from serving.abtest import VariantMean, VariantRate, analyze
from serving.models import Deployment, PredictionLog, VariantRole
from serving.stats import variant_windows


def ab_analysis(
    *,
    deployment: Deployment,
    control: str | None = None,
    alpha: float = 0.05,
    mde: float | None = None,
    min_samples: int = 100,
) -> dict[str, Any]:
    """Per-variant outcomes from joined feedback since the A/B revision started, and their significance
    (two-proportion z-test on accuracy for classifiers, Welch's t-test on absolute error for regressors)."""
    revision = deployment.current_revision
    if revision is None:
        raise Conflict("The deployment has no revision.")
    live = [v.name for v in revision.variants.all() if v.role not in (VariantRole.SHADOW, VariantRole.STANDBY)]
    if len(live) < 2:
        raise Conflict("The current revision has a single live variant: nothing to compare.")
    control = control or live[0]
    if control not in live:
        raise ValidationFailed.field("control", f"one of {', '.join(live)}")
    windows = variant_windows(
        deployment_id=deployment.pk, since=revision.created_at, revision_numbers=[revision.number]
    )
    task = deployment.project.task_type
    ordered = [control, *[n for n in live if n != control]]
    if task == "classification":
        rates = [
            VariantRate(n, windows[n].correct if n in windows else 0, windows[n].labelled if n in windows else 0)
            for n in ordered
        ]
        result = analyze(control, rates, alpha=alpha, mde=mde, min_samples=min_samples, higher_is_better=True)
        metric = "accuracy (share of predictions matching feedback)"
    else:
        means = [VariantMean.from_values(n, windows[n].abs_errors if n in windows else []) for n in ordered]
        result = analyze(control, means, alpha=alpha, mde=mde, min_samples=min_samples, higher_is_better=False)
        metric = "absolute error (lower is better)"
    traffic = {n: windows[n].requests if n in windows else 0 for n in ordered}
    return {"revision": revision.number, "outcome": metric, "traffic": traffic, **result}


def shadow_report(*, deployment: Deployment, limit: int = 50000) -> dict[str, Any]:
    """Shadow vs the live answer to the same requests: agreement, output distribution difference, latency delta."""
    shadow_rows = list(
        PredictionLog.objects.filter(deployment_id=deployment.pk, shadow=True)
        .order_by("-id")
        .values("request_id", "variant", "outputs", "latency_ms", "id")[:limit]
    )
    if not shadow_rows:
        return {"pairs": 0, "detail": "no shadow predictions yet"}
    requests = {r["request_id"] for r in shadow_rows}
    live = defaultdict(list)
    for row in (
        PredictionLog.objects.filter(deployment_id=deployment.pk, shadow=False, request_id__in=requests)
        .order_by("id")
        .values("request_id", "outputs")
    ):
        live[row["request_id"]].append(row["outputs"].get("prediction"))
    grouped = defaultdict(list)
    for row in sorted(shadow_rows, key=lambda r: r["id"]):
        grouped[row["request_id"]].append(row["outputs"].get("prediction"))
    pairs = [(a, b) for rid, shadows in grouped.items() for a, b in zip(live.get(rid, []), shadows, strict=False)]
    return {"pairs": len(pairs), **_compare(pairs), **_latency(deployment, requests)}


def _compare(pairs: list[tuple[Any, Any]]) -> dict[str, Any]:
    if not pairs:
        return {"agreement_rate": None}
    agree = sum(str(a) == str(b) for a, b in pairs) / len(pairs)
    numeric = all(isinstance(x, int | float) for pair in pairs for x in pair)
    out: dict[str, Any] = {"agreement_rate": agree}
    if numeric:
        out["mean_difference"] = sum(b - a for a, b in pairs) / len(pairs)
        out["mean_absolute_difference"] = sum(abs(b - a) for a, b in pairs) / len(pairs)
    labels = {str(x) for pair in pairs for x in pair}
    if len(labels) <= 50:
        live_share = {label: sum(str(a) == label for a, _ in pairs) / len(pairs) for label in labels}
        shadow_share = {label: sum(str(b) == label for _, b in pairs) / len(pairs) for label in labels}
        out["output_share"] = {"live": live_share, "shadow": shadow_share}
        out["total_variation_distance"] = 0.5 * sum(abs(live_share[k] - shadow_share[k]) for k in labels)
    return out


def _latency(deployment: Deployment, requests: set[str]) -> dict[str, Any]:
    logs = PredictionLog.objects.filter(deployment_id=deployment.pk, request_id__in=requests)
    live = logs.filter(shadow=False).aggregate(m=Avg("latency_ms"))["m"]
    shadow = logs.filter(shadow=True).aggregate(m=Avg("latency_ms"))["m"]
    delta = shadow - live if live is not None and shadow is not None else None
    return {"latency_ms": {"live_mean": live, "shadow_mean": shadow, "delta": delta}}
