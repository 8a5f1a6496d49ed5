"""Model cards: generated from lineage, data, metrics, explanation and checks, with editable sections."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction

from core.audit import audit_record
from core.errors import ValidationFailed
from core.models import User
from core.storage import blob_read_verified
from registry.models import ModelVersion, RunArtifact

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


def model_card(version: ModelVersion) -> dict[str, Any]:
    model = version.registered_model
    request = version.approval_requests.order_by("-created_at").first()
    sections = {name: version.card.get(name, "") for name in SECTIONS}
    missing = [name for name in ("intended_use", "limitations", "ethical_considerations") if not sections[name]]
    return {
        "model": model.name,
        "version": version.number,
        "description": version.description or model.description,
        "task_type": model.project.task_type,
        "status": {"approval": version.approval, "health": version.health, "archived": version.archived},
        "aliases": sorted(a.name for a in version.aliases.all()),
        "created_at": version.created_at.isoformat(),
        "created_by": version.created_by.username if version.created_by else None,
        "lineage": _lineage(version),
        "inputs": version.signature.get("inputs", []),
        "output": version.signature.get("output", {}),
        "metrics": version.metrics,
        "feature_importance": _importance(version),
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
