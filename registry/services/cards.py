"""Model cards: generated from lineage, data, metrics, explanation and checks, with editable sections.

A section a maintainer has not written is filled from what Keel knows where it can be (intended use from the
project, training data from the lineage and its validation, caveats from failed data rules); ``generated_sections``
names those. Writing a section replaces the generated text; writing an empty one brings it back.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction

from core.audit import audit_record
from core.errors import ValidationFailed
from core.models import User
from core.storage import blob_read_verified
from registry.models import DatasetVersion, ModelVersion, RunArtifact, RunParam, ValidationReport, VersionStatus
from registry.services.approvals import check_acceptance

SECTIONS = ("intended_use", "limitations", "ethical_considerations", "training_data_notes", "caveats")


def _importance(version: ModelVersion, top: int = 10) -> list[dict[str, Any]]:
    if version.run_id is None:
        return []
    artifact = RunArtifact.objects.filter(run_id=version.run_id, path="evaluation/permutation_importance.json").first()
    if artifact is None:
        return []
    return list(json.loads(blob_read_verified(artifact.sha256)))[:top]


def _lineage(version: ModelVersion) -> dict[str, Any]:
    run = version.run
    return {
        "source": version.source,
        "run_id": run.run_id if run else None,
        "experiment": run.experiment.name if run else None,
        "training_job": str(version.training_job_uid) if version.training_job_uid else None,
        "dataset_versions": [
            {
                "dataset": d.dataset.name,
                "version": d.number,
                "sha256": d.sha256,
                "rows": d.row_count,
                "status": d.status,
            }
            for d in version.dataset_versions.select_related("dataset")
        ],
        "code_version": version.code_version,
        "library_versions": version.library_versions,
        "artifact": {
            "sha256": version.artifact_sha256,
            "size": version.artifact_size,
            "format": version.artifact_format,
        },
    }


def failed_rules(dataset_version: DatasetVersion) -> list[dict[str, Any]]:
    """The failing rules of the version's latest validation report (empty when it passed or was never run)."""
    report = ValidationReport.objects.filter(version=dataset_version).order_by("-id").first()
    if report is None or report.passed:
        return []
    return [r for r in report.results if not r.get("passed")]


def rule_text(result: dict[str, Any]) -> str:
    where = f" on {result['column']}" if result.get("column") else ""
    return f"{result.get('kind', 'rule')}{where}: {result.get('message') or 'failed'}"


def _estimator(version: ModelVersion) -> str:
    if version.run_id is None:
        return ""
    return RunParam.objects.filter(run_id=version.run_id, key="estimator").values_list("value", flat=True).first() or ""


def _evaluations(version: ModelVersion) -> list[dict[str, Any]]:
    return [
        {
            "key": e.evaluation_key,
            "description": e.description,
            "dataset_version": str(e.dataset_version) if e.dataset_version_id else None,
            "n_rows": e.n_rows,
            "metrics": e.metrics,
            "created_at": e.created_at.isoformat(),
        }
        for e in version.evaluations.select_related("dataset_version__dataset").order_by("-created_at")
    ]


HEADLINE_METRICS = ("f1_macro", "accuracy", "roc_auc", "r2", "rmse", "mae")


def _metric_text(version: ModelVersion, top: int = 3) -> str:
    """The metrics the project's acceptance criteria name, then the usual headline ones."""
    criteria = [c.get("metric") for c in version.registered_model.project.acceptance_criteria]
    names = list(dict.fromkeys([*criteria, *HEADLINE_METRICS]))
    shown = [(k, version.metrics[k]) for k in names if isinstance(version.metrics.get(k), int | float)][:top]
    return ", ".join(f"{k} {_fmt(v)}" for k, v in shown)


def _generated(version: ModelVersion, lineage: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """A description and section texts from the project, the lineage, the metrics and the data's validation."""
    project = version.registered_model.project
    data = lineage["dataset_versions"]
    data_names = ", ".join(f"{d['dataset']} v{d['version']}" for d in data)
    estimator = _estimator(version)
    how = f"{estimator} " if estimator else ""
    trained = f" trained by Keel on {data_names}" if version.run_id and data_names else f" ({version.source})"
    metrics = _metric_text(version)
    description = f"A {project.task_type} model ({how.strip() or version.flavor}){trained}." + (
        f" Holdout: {metrics}." if metrics else ""
    )
    sections: dict[str, str] = {}
    intended = f"{project.task_type.capitalize()} for the project {project.name!r}."
    sections["intended_use"] = f"{intended} {project.description}".strip()
    if data:
        sections["training_data_notes"] = "\n".join(
            f"{d['dataset']} v{d['version']}: {d['rows']} rows, sha256 {d['sha256'][:12]}…, validation {d['status']}."
            for d in data
        )
    caveats = []
    for d in version.dataset_versions.select_related("dataset").filter(status=VersionStatus.INVALID):
        rules = "; ".join(rule_text(r) for r in failed_rules(d)) or "see its validation report"
        caveats.append(f"Trained on {d}, which fails its validation rules ({rules}); training needed an override.")
    if caveats:
        sections["caveats"] = "\n".join(caveats)
    return description, sections


def model_card(version: ModelVersion) -> dict[str, Any]:
    model = version.registered_model
    request = version.approval_requests.order_by("-created_at").first()
    lineage = _lineage(version)
    description, generated = _generated(version, lineage)
    written = {name: version.card.get(name, "") for name in SECTIONS}
    sections = {name: written[name] or generated.get(name, "") for name in SECTIONS}
    missing = [name for name in ("intended_use", "limitations", "ethical_considerations") if not sections[name]]
    return {
        "model": model.name,
        "version": version.number,
        "description": version.description or model.description or description,
        "task_type": model.project.task_type,
        "status": {"approval": version.approval, "health": version.health, "archived": version.archived},
        "aliases": sorted(a.name for a in version.aliases.all()),
        "created_at": version.created_at.isoformat(),
        "created_by": version.created_by.username if version.created_by else None,
        "lineage": lineage,
        "inputs": version.signature.get("inputs", []),
        "output": version.signature.get("output", {}),
        "metrics": version.metrics,
        "feature_importance": _importance(version),
        "evaluations": _evaluations(version),
        "acceptance": check_acceptance(version),
        "checks": request.checks if request else [],
        "approval": None
        if request is None
        else {
            "status": request.status,
            "requested_by": request.requested_by.username if request.requested_by else None,
            "decided_by": request.decided_by.username if request.decided_by else None,
            "override": request.override,
            "override_reason": request.override_reason,
        },
        "sections": sections,
        "generated_sections": [name for name in SECTIONS if not written[name] and sections[name]],
        "complete": not missing,
        "missing_sections": missing,
    }


@transaction.atomic
def model_card_update(*, version: ModelVersion, user: User, sections: dict[str, str]) -> ModelVersion:
    for name, text in sections.items():
        if name not in SECTIONS:
            raise ValidationFailed.field(f"sections.{name}", f"not an editable section; one of {', '.join(SECTIONS)}")
        if not isinstance(text, str) or len(text) > 20000:
            raise ValidationFailed.field(f"sections.{name}", "must be text of at most 20000 characters")
    version.card = {**version.card, **sections}
    version.save(update_fields=["card"])
    audit_record(
        action="model_card.update",
        actor=user,
        project=version.registered_model.project,
        obj=version,
        data={"sections": sorted(sections)},
    )
    return version


def _fmt(value: Any) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def model_card_markdown(card: dict[str, Any]) -> str:
    lines = [f"# Model card: {card['model']} v{card['version']}", "", card["description"] or "", ""]
    status = card["status"]
    lines += [
        f"- Task: {card['task_type']}",
        f"- Approval: {status['approval']}; health: {status['health']}",
        f"- Aliases: {', '.join(card['aliases']) or 'none'}",
        f"- Created {card['created_at']} by {card['created_by'] or 'system'}",
        "",
    ]
    for name, title in (
        ("intended_use", "Intended use"),
        ("limitations", "Limitations"),
        ("ethical_considerations", "Ethical considerations"),
        ("training_data_notes", "Training data notes"),
        ("caveats", "Caveats"),
    ):
        lines += [f"## {title}", "", card["sections"][name] or "_Not written yet._", ""]
    lineage = card["lineage"]
    lines += [
        "## Lineage",
        "",
        f"- Source: {lineage['source']}; run {lineage['run_id'] or '-'}; "
        f"experiment {lineage['experiment'] or '-'}; code {lineage['code_version'] or '-'}",
    ]
    lines += [
        f"- Data: {d['dataset']} v{d['version']} ({d['rows']} rows, sha256 {d['sha256'][:12]}…)"
        for d in lineage["dataset_versions"]
    ]
    lines += [f"- Artifact: {lineage['artifact']['format']}, sha256 {lineage['artifact']['sha256']}", ""]
    lines += ["## Metrics", "", "| metric | value |", "|---|---|"]
    lines += [f"| {k} | {_fmt(v)} |" for k, v in sorted(card["metrics"].items())]
    lines += [
        "",
        "## Most important features (permutation importance)",
        "",
        "| feature | mean | std |",
        "|---|---|---|",
    ]
    lines += [f"| {f['feature']} | {_fmt(f['mean'])} | {_fmt(f['std'])} |" for f in card["feature_importance"]]
    lines += ["", "## Required checks", ""]
    lines += [f"- {'PASS' if c['passed'] else 'FAIL'} {c['name']}: {c['detail']}" for c in card["checks"]]
    lines += ["", "## Inputs", "", "| feature | kind |", "|---|---|"]
    lines += [f"| {i['name']} | {i['kind']} |" for i in card["inputs"]]
    return "\n".join(lines) + "\n"
