"""Reads for the dashboard pages: one function per panel, shaped as plain dicts the templates and JSON share."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from core.models import Project
from core.storage import blob_read_verified
from monitoring.drift.status import column_status
from monitoring.models import Alert, AlertStatus, DriftReport, ReportStatus, RetrainingRun
from registry.models import (
    AliasEvent,
    Dataset,
    DatasetVersion,
    ModelVersion,
    RegisteredModel,
    RunArtifact,
    ValidationReport,
    VersionStatus,
)
from registry.services.cards import failed_rules, model_card, rule_text
from serving.models import Deployment, Revision, Variant
from serving.traffic import minute_counts, traffic_windows
from training.models import TrainingJob

SERIES_MINUTES = 60
HEATMAP_WINDOWS = 12
TRAFFIC_TTL = 1  # second; the pages poll every 2 s


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def health(deployment: Deployment, task_type: str, *, minutes: int = 60) -> dict[str, Any]:
    """Requests, errors, latency percentiles and quality over the last ``minutes``, overall and per variant."""
    windows = traffic_windows(deployment_id=deployment.pk, since=timezone.now() - timedelta(minutes=minutes))
    requests = sum(w.requests for w in windows.values())
    errors = sum(w.errors for w in windows.values())
    labelled = sum(w.labelled for w in windows.values())
    p95 = max((w.p95_ms for w in windows.values() if w.p95_ms is not None), default=None)
    return {
        "requests": requests,
        "errors": errors,
        "error_rate": _pct(errors / requests) if requests else 0.0,
        "error_pct": round(100 * errors / requests, 1) if requests else 0.0,
        "p95_ms": p95,
        "labelled": labelled,
        "variants": {
            name: {
                "requests": w.requests,
                "error_rate": _pct(w.error_rate),
                "p50_ms": w.p50_ms,
                "p95_ms": w.p95_ms,
                "p99_ms": w.p99_ms,
                "labelled": w.labelled,
                "quality": _pct(w.quality(task_type)),
            }
            for name, w in sorted(windows.items())
        },
    }


def request_series(deployment: Deployment, *, minutes: int = SERIES_MINUTES) -> dict[str, Any]:
    """Requests per minute per variant over the last ``minutes`` (unix seconds on x, one series per variant)."""
    end = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=1)
    start = end - timedelta(minutes=minutes)
    rows = minute_counts(deployment_id=deployment.pk, start=start, end=end)
    xs = [int((start + timedelta(minutes=i)).timestamp()) for i in range(minutes)]
    index = {x: i for i, x in enumerate(xs)}
    series: dict[str, list[int]] = {}
    errors = [0] * minutes
    for minute, variant, n, n_errors in rows:
        i = index.get(int(minute.timestamp()))
        if i is None:
            continue
        series.setdefault(variant, [0] * minutes)[i] += n
        errors[i] += n_errors
    return {"x": xs, "variants": dict(sorted(series.items())), "errors": errors}


def latest_drift(deployment: Deployment) -> DriftReport | None:
    return DriftReport.objects.filter(deployment=deployment, variant="").order_by("-window_end").first()


def drift_verdict(report: DriftReport | None) -> str:
    """The report's status (ok, warning, drift, insufficient_data, failed: ``monitoring.drift.status``)."""
    return "none yet" if report is None else report.status


def drift_summary(report: DriftReport | None) -> dict[str, Any]:
    """What the pages show of the latest report: its status and "10 of 30 features drifted"."""
    if report is None:
        return {"verdict": drift_verdict(None), "summary": "", "share_drifted": None, "report": None}
    return {
        "verdict": drift_verdict(report),
        "summary": report.summary,
        "share_drifted": report.share_drifted,
        "report": report.pk,
    }


def _cell_value(value: float | None) -> str:
    if value is None:
        return "—"
    return "<0.001" if 0 <= value < 0.001 else f"{value:.3f}"


def drift_heatmap(deployment: Deployment, *, windows: int = HEATMAP_WINDOWS) -> dict[str, Any]:
    """Rows are features, columns are report windows (oldest first); each cell says drifted and its statistic."""
    reports = list(DriftReport.objects.filter(deployment=deployment, variant="").order_by("-window_end")[:windows])[
        ::-1
    ]
    columns = [
        {"id": r.pk, "end": r.window_end, "verdict": drift_verdict(r), "summary": r.summary, "n_rows": r.n_rows}
        for r in reports
    ]
    features: dict[str, list[dict[str, Any] | None]] = {}
    for i, report in enumerate(reports):
        for column in report.result.get("columns", []):
            row = features.setdefault(column["name"], [None] * len(reports))
            value = column.get("distance") if column.get("distance") is not None else column.get("p_value")
            row[i] = {
                "display": _cell_value(value),
                "drifted": bool(column.get("drifted")),
                "status": column_status(column),
                "severity": column.get("severity") or "none",
                "method": column.get("method") or "",
                "value": value,
                "skipped": column.get("reason") is not None,
            }
    ordered = sorted(features.items(), key=lambda item: (-sum(1 for c in item[1] if c and c["drifted"]), item[0]))
    return {"columns": columns, "rows": [{"feature": name, "cells": cells} for name, cells in ordered]}


def alerts_for(deployment: Deployment, *, limit: int = 10) -> dict[str, Any]:
    qs = Alert.objects.filter(rule__deployment=deployment).select_related("rule")
    firing = list(qs.filter(status=AlertStatus.FIRING).order_by("-started_at"))
    recent = list(qs.exclude(status=AlertStatus.FIRING).order_by("-started_at")[:limit])
    return {"firing": firing, "recent": recent}


def firing_count(deployment: Deployment) -> int:
    return Alert.objects.filter(rule__deployment=deployment, status=AlertStatus.FIRING).count()


def revisions(deployment: Deployment, *, limit: int = 20) -> list[Revision]:
    return list(
        deployment.revisions.select_related("created_by")
        .prefetch_related("variants__model_version__registered_model")
        .order_by("-number")[:limit]
    )


def current_variants(deployment: Deployment) -> list[dict[str, Any]]:
    revision = deployment.current_revision
    if revision is None:
        return []
    return [
        {
            "name": v.name,
            "role": v.role,
            "weight": v.weight,
            "model": v.model_version.registered_model.name,
            "version": v.model_version.number,
        }
        for v in revision.variants.select_related("model_version__registered_model")
    ]


def overview(projects: list[Project]) -> list[dict[str, Any]]:
    out = []
    for project in projects:
        rows = []
        for deployment in Deployment.objects.filter(project=project).select_related("current_revision"):
            report = latest_drift(deployment)
            rows.append(
                {
                    "deployment": deployment,
                    "health": traffic(deployment, project.task_type)["health"],
                    "drift": drift_verdict(report),
                    "drift_summary": report.summary if report else "",
                    "firing": firing_count(deployment),
                }
            )
        models = list(RegisteredModel.objects.filter(project=project).order_by("name").values_list("name", flat=True))
        out.append({"project": project, "deployments": rows, "models": models})
    return out


def traffic(deployment: Deployment, task_type: str) -> dict[str, Any]:
    """Health and the per-minute series, shared by every open page for ``TRAFFIC_TTL`` seconds: the scans over the
    prediction log then run at most once per deployment per poll interval, however many people watch."""
    key = f"dashboard:traffic:{deployment.pk}"
    cached = cache.get(key)
    if cached is None:
        cached = {"health": health(deployment, task_type), "series": request_series(deployment)}
        cache.set(key, cached, TRAFFIC_TTL)
    return cached


def deployment_data(deployment: Deployment, task_type: str) -> dict[str, Any]:
    """The JSON the deployment page polls: counters, the per-minute series, the revision and rollout state."""
    revision = deployment.current_revision
    report = latest_drift(deployment)
    return {
        "deployment": deployment.name,
        "revision": revision.number if revision else None,
        "strategy": revision.strategy if revision else None,
        "variants": current_variants(deployment),
        "rollout": deployment.rollout or {},
        **traffic(deployment, task_type),
        "drift": drift_summary(report),
        "firing_alerts": firing_count(deployment),
        "generated_at": timezone.now().isoformat(),
    }


# --- models -------------------------------------------------------------------------------------------------------


def model_get(project: Project, name: str) -> RegisteredModel | None:
    return RegisteredModel.objects.filter(project=project, name=name).first()


def model_versions(model: RegisteredModel) -> list[ModelVersion]:
    return list(
        model.versions.select_related("run", "created_by")
        .prefetch_related("aliases", "dataset_versions__dataset")
        .order_by("-number")
    )


def model_aliases(model: RegisteredModel) -> Any:
    return model.aliases.select_related("version").order_by("name")


def alias_ledger(model: RegisteredModel, *, limit: int = 30) -> list[AliasEvent]:
    return list(model.alias_events.select_related("actor").order_by("-created_at")[:limit])


def _artifact_json(run_id: int | None, path: str) -> Any:
    if run_id is None:
        return None
    artifact = RunArtifact.objects.filter(run_id=run_id, path=path).first()
    if artifact is None:
        return None
    return json.loads(blob_read_verified(artifact.sha256))


def evaluation_plots(version: ModelVersion) -> dict[str, Any]:
    details = _artifact_json(version.run_id, "evaluation/details.json") or {}
    importance = _artifact_json(version.run_id, "evaluation/permutation_importance.json") or []
    return {
        "roc": details.get("roc_curves", []),
        "pr": details.get("pr_curves", []),
        "confusion": details.get("confusion_matrix"),
        "importance": importance[:15],
    }


def version_deployments(version: ModelVersion) -> list[str]:
    """Deployments whose current revision serves ``version``."""
    return sorted(
        Deployment.objects.filter(current_revision__variants__model_version=version)
        .values_list("name", flat=True)
        .distinct()
    )


def version_detail(version: ModelVersion) -> dict[str, Any]:
    card = model_card(version)
    sections = [
        (name.replace("_", " ").capitalize(), text, name in card["generated_sections"])
        for name, text in card["sections"].items()
    ]
    return {
        "card": card,
        "sections": sections,
        "plots": evaluation_plots(version),
        "invalid_data": [invalid_data_explanation(d) for d in version.dataset_versions.all() if _invalid(d)],
        "retraining_runs": list(RetrainingRun.objects.filter(model_version=version).select_related("policy")),
    }


# --- datasets and retraining runs ---------------------------------------------------------------------------------


def _invalid(version: DatasetVersion) -> bool:
    return version.status == VersionStatus.INVALID


def invalid_data_explanation(version: DatasetVersion) -> dict[str, Any]:
    """Why an invalid dataset version was trained on anyway: its failing rules, and who overrode the validation
    (a retraining policy that appends labelled feedback, or a person's training job with the explicit override)."""
    runs = list(
        RetrainingRun.objects.filter(dataset_version=version)
        .select_related("policy", "model_version__registered_model")
        .order_by("created_at")
    )
    policy_jobs = {run.training_job_id for run in runs}
    manual = list(
        TrainingJob.objects.filter(dataset_version=version, allow_invalid_data=True)
        .exclude(pk__in=[pk for pk in policy_jobs if pk is not None])
        .select_related("created_by")
        .order_by("created_at")
    )
    return {
        "version": version,
        "failing": [rule_text(r) for r in failed_rules(version)],
        "runs": runs,
        "manual_jobs": manual,
    }


def dataset_get(project: Project, name: str) -> Dataset | None:
    return Dataset.objects.filter(project=project, name=name).first()


def dataset_versions(dataset: Dataset) -> list[DatasetVersion]:
    return list(dataset.versions.select_related("created_by", "parent").order_by("-number"))


def dataset_version_detail(version: DatasetVersion) -> dict[str, Any]:
    report = ValidationReport.objects.filter(version=version).order_by("-id").first()
    return {
        "report": report,
        "invalid": invalid_data_explanation(version) if _invalid(version) else None,
        "models": list(version.model_versions.select_related("registered_model").order_by("-created_at")),
        "runs": list(RetrainingRun.objects.filter(dataset_version=version).select_related("policy")),
    }


def retraining_run_get(project: Project, run_id: int) -> RetrainingRun | None:
    return (
        RetrainingRun.objects.filter(policy__project=project, pk=run_id)
        .select_related(
            "policy__deployment",
            "dataset_version__dataset",
            "model_version__registered_model",
            "champion_version__registered_model",
            "training_job",
        )
        .first()
    )


def retraining_run_detail(run: RetrainingRun) -> dict[str, Any]:
    data = run.dataset_version
    return {"invalid": invalid_data_explanation(data) if data is not None and _invalid(data) else None}


# --- pipeline -----------------------------------------------------------------------------------------------------


def _node(kind: str, key: str, label: str, sub: str = "", url: str = "", state: str = "") -> dict[str, str]:
    return {"id": f"{kind}:{key}", "kind": kind, "label": label, "sub": sub, "url": url, "state": state}


def pipeline_graph(project: Project) -> dict[str, Any]:
    """Nodes in lanes (dataset -> run -> version -> deployment -> drift -> retraining) and the edges between them."""
    nodes: dict[str, dict[str, str]] = {}
    edges: set[tuple[str, str]] = set()
    versions = list(
        ModelVersion.objects.filter(registered_model__project=project)
        .select_related("registered_model", "run")
        .prefetch_related("dataset_versions__dataset")
        .order_by("registered_model__name", "number")
    )
    for v in versions:
        vid = _node("version", str(v.pk), f"{v.registered_model.name} v{v.number}", v.approval)
        vid["url"] = f"/dashboard/{project.slug}/models/{v.registered_model.name}/"
        nodes[vid["id"]] = vid
        for d in v.dataset_versions.all():
            _add_dataset(project, nodes, d)
            target = f"run:{v.run_id}" if v.run_id else vid["id"]
            edges.add((f"dataset:{d.pk}", target))
        if v.run is not None:
            run = _node("run", str(v.run_id), v.run.name or v.run.run_id[:8], v.run.status)
            nodes[run["id"]] = run
            edges.add((run["id"], vid["id"]))
    for deployment in Deployment.objects.filter(project=project).select_related("current_revision"):
        _add_deployment(project, deployment, nodes, edges)
    return _lanes(nodes, edges)


def _add_dataset(project: Project, nodes: dict[str, dict[str, str]], d: DatasetVersion) -> None:
    url = f"/dashboard/{project.slug}/datasets/{d.dataset.name}/?version={d.number}"
    node = _node("dataset", str(d.pk), f"{d.dataset.name} v{d.number}", f"{d.row_count} rows · {d.status}", url)
    node["state"] = "bad" if _invalid(d) else ""
    nodes.setdefault(node["id"], node)


def _add_deployment(
    project: Project, deployment: Deployment, nodes: dict[str, dict[str, str]], edges: set[tuple[str, str]]
) -> None:
    rev = deployment.current_revision
    node = _node(
        "deployment",
        str(deployment.pk),
        deployment.name,
        f"r{rev.number} {rev.strategy}" if rev else "no revision",
        f"/dashboard/{project.slug}/deployments/{deployment.name}/",
    )
    nodes[node["id"]] = node
    live = set(Variant.objects.filter(revision=deployment.current_revision).values_list("model_version_id", flat=True))
    for version_id in live:
        if f"version:{version_id}" in nodes:
            edges.add((f"version:{version_id}", node["id"]))
    reports = DriftReport.objects.filter(deployment=deployment, variant="").order_by("-window_end")
    total, drifted = reports.count(), reports.filter(status=ReportStatus.DRIFT).count()
    if total:
        last = reports.first()
        verdict = drift_verdict(last)
        drift = _node("drift", str(deployment.pk), f"{total} drift reports", f"{drifted} drifted; last: {verdict}")
        drift["state"] = {"drift": "bad", "warning": "warn"}.get(verdict, "ok")
        nodes[drift["id"]] = drift
        edges.add((node["id"], drift["id"]))
    runs = RetrainingRun.objects.filter(policy__deployment=deployment).select_related("policy").order_by("created_at")
    for run in runs:
        r = _node("retraining", str(run.pk), f"{run.policy.name} #{run.pk}", run.status)
        r["url"] = f"/dashboard/{project.slug}/retraining/{run.pk}/"
        nodes[r["id"]] = r
        edges.add((f"drift:{deployment.pk}" if total else node["id"], r["id"]))
        if run.dataset_version_id:
            edges.add((r["id"], f"dataset:{run.dataset_version_id}"))
        if run.model_version_id:
            edges.add((r["id"], f"version:{run.model_version_id}"))


LANES = ("dataset", "run", "version", "deployment", "drift", "retraining")
LANE_TITLES = {
    "dataset": "Dataset versions",
    "run": "Runs",
    "version": "Model versions",
    "deployment": "Deployments",
    "drift": "Drift reports",
    "retraining": "Retraining runs",
}
NODE_W, NODE_H, GAP_X, GAP_Y, TOP = 170, 48, 46, 16, 34


def _lanes(nodes: dict[str, dict[str, str]], edges: set[tuple[str, str]]) -> dict[str, Any]:
    """Lay nodes out in columns by kind; edges become cubic paths between node sides."""
    placed: dict[str, dict[str, Any]] = {}
    lanes = []
    height = TOP
    for col, kind in enumerate(LANES):
        x = 10 + col * (NODE_W + GAP_X)
        lanes.append({"title": LANE_TITLES[kind], "x": x + NODE_W / 2})
        members = [n for n in nodes.values() if n["kind"] == kind]
        for row, node in enumerate(members):
            y = TOP + row * (NODE_H + GAP_Y)
            placed[node["id"]] = {**node, "x": x, "y": y, "w": NODE_W, "h": NODE_H}
            height = max(height, y + NODE_H + 10)
    paths = []
    for a, b in sorted(edges):
        if a not in placed or b not in placed:
            continue
        s, t = placed[a], placed[b]
        back = t["x"] <= s["x"]
        x1 = s["x"] if back else s["x"] + NODE_W
        x2 = t["x"] + NODE_W if back else t["x"]
        y1, y2 = s["y"] + NODE_H / 2, t["y"] + NODE_H / 2
        bend = 60 if not back else -0
        d = (
            f"M{x1},{y1} C{x1 + bend},{y1} {x2 - bend},{y2} {x2},{y2}"
            if not back
            else f"M{x1},{y1} C{x1},{height + 20} {x2},{height + 20} {x2},{y2}"
        )
        paths.append({"d": d, "back": back, "from": a, "to": b})
    return {
        "nodes": list(placed.values()),
        "edges": paths,
        "lanes": lanes,
        "width": 20 + len(LANES) * (NODE_W + GAP_X),
        "height": height + 40,
    }
