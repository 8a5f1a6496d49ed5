"""The production-readiness checklist of one deployment: each item passes or fails with its evidence.

Read-only: nothing here writes (the artifact check re-hashes the stored bytes but does not mark versions; the
serving path and ``verify`` do that).
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from console.models import LoadTest
from core.backup import backup_latest_verified
from core.storage import blob_iter
from monitoring.models import AlertRule
from monitoring.services.drift import config_for
from registry.models import ApprovalRequest, ModelVersion
from registry.services.cards import model_card
from serving.models import Deployment, Revision


@dataclass
class Item:
    key: str
    title: str
    passed: bool
    detail: str
    evidence: dict[str, Any] = field(default_factory=dict)


def _versions(revision: Revision | None) -> list[ModelVersion]:
    if revision is None:
        return []
    return [v.model_version for v in revision.variants.select_related("model_version__registered_model")]


def check_rollback(deployment: Deployment, revision: Revision | None) -> Item:
    title = "Versioning and rollback plan"
    if revision is None:
        return Item("rollback", title, False, "The deployment has no revision.")
    previous = deployment.revisions.filter(number__lt=revision.number).order_by("-number").first()
    evidence: dict[str, Any] = {"current_revision": revision.number}
    if previous is None:
        return Item("rollback", title, False, "No previous revision to roll back to.", evidence)
    servable = [v for v in _versions(previous) if v.can_serve]
    evidence |= {
        "rollback_revision": previous.number,
        "rollback_versions": [f"{v.registered_model.name} v{v.number}" for v in _versions(previous)],
    }
    if not servable:
        return Item("rollback", title, False, f"Revision {previous.number} has no servable version.", evidence)
    return Item("rollback", title, True, f"Rollback returns to revision {previous.number}.", evidence)


def check_docs(deployment: Deployment, revision: Revision | None) -> Item:
    title = "API docs and client library"
    try:
        schema, docs = reverse("schema"), reverse("swagger-ui")
    except NoReverseMatch:
        schema = docs = ""
    package = settings.KEEL_SDK_PACKAGE
    sdk_dirs = [p.name for p in (Path(settings.BASE_DIR) / "sdk", Path(settings.BASE_DIR) / "clients") if p.is_dir()]
    importable = importlib.util.find_spec(package) is not None
    evidence = {"schema_url": schema, "docs_url": docs, "sdk_package": package, "sdk_importable": importable}
    evidence["sdk_directories"] = sdk_dirs
    passed = bool(schema) and (importable or bool(sdk_dirs))
    detail = (
        "Schema served and client library present."
        if passed
        else "Missing: "
        + ", ".join(
            part
            for part, ok in (("OpenAPI schema", bool(schema)), ("client library", importable or sdk_dirs))
            if not ok
        )
    )
    return Item("api_docs", title, passed, detail, evidence)


def check_load_test(deployment: Deployment, revision: Revision | None) -> Item:
    title = "Load test of the serving version"
    if revision is None:
        return Item("load_test", title, False, "The deployment has no revision.")
    versions = sorted(v.pk for v in _versions(revision))
    tests = LoadTest.objects.filter(deployment=deployment, status=LoadTest.Status.SUCCEEDED).order_by("-created_at")
    match = next((t for t in tests[:50] if sorted(t.model_versions) == versions), None)
    if match is None:
        return Item("load_test", title, False, "No successful load test of the serving model versions.")
    evidence = {
        "load_test": match.pk,
        "revision": match.revision_number,
        "at": match.finished_at.isoformat() if match.finished_at else None,
        **{k: getattr(match, k) for k in ("requests", "rps", "p50_ms", "p95_ms", "p99_ms", "error_rate")},
    }
    passed = (match.error_rate or 0) == 0
    detail = f"{match.rps} req/s, p99 {match.p99_ms} ms" if passed else f"error rate {match.error_rate}"
    return Item("load_test", title, passed, detail, evidence)


def check_monitoring(deployment: Deployment, revision: Revision | None) -> Item:
    title = "Monitoring and alerting"
    config = config_for(deployment)  # the stored config, else the default schedule
    drift = config if config.enabled else None
    rules = [
        {"rule": r.name, "metric": r.metric, "channels": sorted(c.name for c in r.channels.all())}
        for r in AlertRule.objects.filter(deployment=deployment, enabled=True).prefetch_related("channels")
    ]
    routed = [r for r in rules if r["channels"]]
    schedule = drift and {
        "window_minutes": drift.window_minutes,
        "cadence_minutes": drift.cadence_minutes,
        "default": drift.pk is None,
    }
    evidence = {"drift_schedule": schedule or None, "alert_rules": rules}
    passed = drift is not None and bool(routed)
    needs = (("an enabled drift schedule", drift is not None), ("an alert rule with a channel", bool(routed)))
    missing = [name for name, ok in needs if not ok]
    return Item("monitoring", title, passed, "Configured." if passed else "Missing " + " and ".join(missing), evidence)


def _artifact_intact(version: ModelVersion) -> bool:
    digest = hashlib.sha256()
    try:
        for chunk in blob_iter(version.artifact_sha256):
            digest.update(chunk)
    except OSError:
        return False
    return digest.hexdigest() == version.artifact_sha256


def check_compliance(deployment: Deployment, revision: Revision | None) -> Item:
    title = "Security and compliance"
    versions = _versions(revision)
    if not versions:
        return Item("compliance", title, False, "The deployment serves no model version.")
    rows, problems = [], []
    for version in versions:
        approved = ApprovalRequest.objects.filter(version=version, status=ApprovalRequest.Status.APPROVED).exists()
        card = model_card(version)
        intact = _artifact_intact(version)
        label = f"{version.registered_model.name} v{version.number}"
        rows.append(
            {
                "version": label,
                "approval": version.approval,
                "approval_recorded": approved,
                "card_complete": card["complete"],
                "card_missing_sections": card["missing_sections"],
                "artifact_sha256": version.artifact_sha256,
                "artifact_intact": intact,
            }
        )
        problems += [f"{label}: {p}" for p, bad in _compliance_problems(version, approved, card, intact) if bad]
    detail = "Approved, documented and intact." if not problems else "; ".join(problems)
    return Item("compliance", title, not problems, detail, {"versions": rows})


def _compliance_problems(
    version: ModelVersion, approved: bool, card: dict[str, Any], intact: bool
) -> list[tuple[str, bool]]:
    return [
        ("no approval recorded", version.approval != "approved" or not approved),
        ("model card incomplete", not card["complete"]),
        ("artifact hash mismatch", not intact),
    ]


def check_backup(deployment: Deployment, revision: Revision | None) -> Item:
    title = "Disaster recovery"
    max_age = timedelta(hours=settings.KEEL_BACKUP_MAX_AGE_HOURS)
    backup = backup_latest_verified()
    evidence: dict[str, Any] = {"max_age_hours": settings.KEEL_BACKUP_MAX_AGE_HOURS}
    if backup is None:
        return Item("backup", title, False, "No verified backup (run `manage.py backup --out DIR`).", evidence)
    age = timezone.now() - backup.created_at
    evidence |= {
        "backup": backup.pk,
        "at": backup.created_at.isoformat(),
        "age_hours": round(age.total_seconds() / 3600, 2),
        "manifest_sha256": backup.manifest_sha256,
        "size_bytes": backup.size_bytes,
    }
    passed = age <= max_age
    detail = "A verified backup is recent enough." if passed else "The newest verified backup is too old."
    return Item("backup", title, passed, detail, evidence)


CHECKS: list[Callable[[Deployment, Revision | None], Item]] = [
    check_rollback,
    check_docs,
    check_load_test,
    check_monitoring,
    check_compliance,
    check_backup,
]


def deployment_readiness(*, deployment: Deployment) -> dict[str, Any]:
    revision = deployment.current_revision
    items = [check(deployment, revision) for check in CHECKS]
    return {
        "deployment": deployment.name,
        "revision": revision.number if revision else None,
        "ready": all(i.passed for i in items),
        "passed": sum(i.passed for i in items),
        "total": len(items),
        "checked_at": timezone.now().isoformat(),
        "items": [asdict(i) for i in items],
    }
