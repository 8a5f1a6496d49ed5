"""The approval workflow and its required checks.

A version is ``pending`` until a maintainer who did not request the approval approves or rejects it. The checks
are evaluated when approval is requested and again at the decision: the project's acceptance criteria, the
validation gate against the current champion (as MLflow's MetricThreshold, on the same evaluation data), and
signature compatibility with the champion. Approving with a failing check needs an explicit, recorded override.
"""

from __future__ import annotations

import math
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audit_record
from core.criteria import check_criteria
from core.errors import Conflict, Forbidden, ValidationFailed
from core.models import User
from registry import events
from registry.models import ApprovalRequest, ApprovalState, ModelAlias, ModelEvaluation, ModelVersion
from registry.signatures import signature_compatibility

LOWER_IS_BETTER = ("rmse", "mae", "mse", "mape", "log_loss", "median_ae", "brier")


def champion_of(version: ModelVersion) -> ModelVersion | None:
    alias = (
        ModelAlias.objects.select_related("version")
        .filter(registered_model_id=version.registered_model_id, name="champion")
        .first()
    )
    return alias.version if alias and alias.version_id != version.pk else None


def _gate(version: ModelVersion) -> dict[str, Any]:
    gate = dict(version.registered_model.validation_gate or {})
    if "metric" not in gate:
        criteria = version.registered_model.project.acceptance_criteria
        task = version.registered_model.project.task_type
        gate["metric"] = criteria[0]["metric"] if criteria else ("f1_macro" if task == "classification" else "rmse")
    gate.setdefault("greater_is_better", not gate["metric"].endswith(LOWER_IS_BETTER))
    gate.setdefault("min_absolute_change", 0.0)
    gate.setdefault("min_relative_change", 0.0)
    return gate


def _check(name: str, passed: bool, detail: str, **evidence: Any) -> dict[str, Any]:
    return {"name": name, "passed": passed, "detail": detail, "evidence": evidence}


def check_acceptance(version: ModelVersion) -> dict[str, Any]:
    criteria = version.registered_model.project.acceptance_criteria
    result = check_criteria(version.metrics, criteria)
    failing = [r for r in result["results"] if not r["passed"]]
    detail = (
        "no acceptance criteria"
        if not criteria
        else (
            "all criteria met"
            if not failing
            else "; ".join(f"{r['metric']} {r['op']} {r['threshold']} (got {r['value']})" for r in failing)
        )
    )
    return _check("acceptance_criteria", result["passed"], detail, results=result["results"])


def _shared_evaluation(version: ModelVersion, champion: ModelVersion) -> tuple[ModelEvaluation, ModelEvaluation] | None:
    mine = {e.evaluation_key: e for e in version.evaluations.all()}
    for theirs in champion.evaluations.order_by("-created_at"):
        if theirs.evaluation_key in mine:
            return mine[theirs.evaluation_key], theirs
    return None


def gate_passes(gate: dict[str, Any], candidate: float, baseline: float) -> tuple[bool, float, float]:
    """MLflow MetricThreshold semantics: the candidate must beat the baseline by at least both minimum changes."""
    change = candidate - baseline if gate["greater_is_better"] else baseline - candidate
    relative = change / abs(baseline) if baseline else (math.inf if change > 0 else 0.0)
    passed = change >= gate["min_absolute_change"] and relative >= gate["min_relative_change"]
    if gate["min_absolute_change"] == 0 and gate["min_relative_change"] == 0:
        passed = change >= 0
    return passed, change, relative


def check_validation_gate(version: ModelVersion) -> dict[str, Any]:
    champion = champion_of(version)
    gate = _gate(version)
    if champion is None:
        return _check("validation_gate", True, "no champion to compare with", gate=gate)
    shared = _shared_evaluation(version, champion)
    if shared is None:
        return _check(
            "validation_gate",
            False,
            f"no evaluation of v{version.number} and champion v{champion.number} on the same data; "
            "run POST .../versions/{n}/evaluate",
            gate=gate,
            champion=champion.number,
        )
    mine, theirs = shared
    metric = gate["metric"]
    candidate, baseline = mine.metrics.get(metric), theirs.metrics.get(metric)
    if candidate is None or baseline is None:
        return _check("validation_gate", False, f"metric {metric!r} missing from the shared evaluation", gate=gate)
    passed, change, relative = gate_passes(gate, float(candidate), float(baseline))
    detail = (
        f"{metric}: v{version.number} {candidate:.4f} vs champion v{champion.number} {baseline:.4f} "
        f"(change {change:+.4f}, {relative:+.2%}) on {mine.evaluation_key}"
    )
    return _check(
        "validation_gate",
        passed,
        detail,
        gate=gate,
        champion=champion.number,
        candidate_value=candidate,
        champion_value=baseline,
        change=change,
        relative_change=relative,
        evaluation_key=mine.evaluation_key,
    )


def check_signature(version: ModelVersion) -> dict[str, Any]:
    champion = champion_of(version)
    if champion is None:
        return _check("signature_compatibility", True, "no champion to compare with")
    result = signature_compatibility(version.signature, champion.signature)
    detail = "accepts every request the champion accepts" if result["compatible"] else "; ".join(result["problems"])
    return _check(
        "signature_compatibility", result["compatible"], detail, champion=champion.number, problems=result["problems"]
    )


def evaluate_checks(version: ModelVersion) -> list[dict[str, Any]]:
    return [check_acceptance(version), check_validation_gate(version), check_signature(version)]


@transaction.atomic
def approval_request_create(*, version: ModelVersion, user: User, comment: str = "") -> ApprovalRequest:
    if version.approval != ApprovalState.PENDING:
        raise Conflict(f"{version} is already {version.approval}.")
    try:
        with transaction.atomic():
            request = ApprovalRequest.objects.create(
                version=version, requested_by=user, comment=comment, checks=evaluate_checks(version)
            )
    except IntegrityError:
        raise Conflict(f"{version} already has an open approval request.") from None
    audit_record(
        action="approval.request",
        actor=user,
        project=version.registered_model.project,
        obj=version,
        data={"request": request.pk, "comment": comment},
    )
    return request


def _decide_guard(request: ApprovalRequest, user: User) -> ApprovalRequest:
    locked = (
        ApprovalRequest.objects.select_for_update()
        .select_related("version__registered_model__project")
        .get(pk=request.pk)
    )
    if locked.status != ApprovalRequest.Status.OPEN:
        raise Conflict(f"This approval request is already {locked.status}.")
    if locked.requested_by_id == user.pk:
        raise Forbidden("The requester cannot decide their own approval request; another maintainer must.")
    return locked


@transaction.atomic
def approval_decide(
    *,
    request: ApprovalRequest,
    user: User,
    approve: bool,
    comment: str = "",
    override: bool = False,
    override_reason: str = "",
) -> ApprovalRequest:
    locked = _decide_guard(request, user)
    version = locked.version
    checks = evaluate_checks(version)
    failing = [c for c in checks if not c["passed"]]
    if approve and failing and not override:
        raise Conflict(
            f"{len(failing)} required check(s) failed; approve with override=true and an override_reason.",
            errors=[{"field": f"checks.{c['name']}", "message": c["detail"], "code": "check_failed"} for c in failing],
        )
    if approve and failing and not override_reason.strip():
        raise ValidationFailed.field("override_reason", "required when overriding failing checks")
    locked.status = ApprovalRequest.Status.APPROVED if approve else ApprovalRequest.Status.REJECTED
    locked.checks, locked.decided_by, locked.decided_at = checks, user, timezone.now()
    locked.decision_comment = comment
    locked.override, locked.override_reason = bool(approve and failing), override_reason if failing else ""
    locked.save()
    version.approval = ApprovalState.APPROVED if approve else ApprovalState.REJECTED
    version.save(update_fields=["approval"])
    _record_decision(locked, user, failing)
    return locked


def _record_decision(request: ApprovalRequest, user: User | None, failing: list[dict[str, Any]]) -> None:
    version = request.version
    project = version.registered_model.project
    approved = request.status == ApprovalRequest.Status.APPROVED
    data = {
        "request": request.pk,
        "comment": request.decision_comment,
        "failing_checks": [c["name"] for c in failing],
        "override": request.override,
        "override_reason": request.override_reason,
    }
    audit_record(
        action="approval.approve" if approved else "approval.reject",
        actor=user,
        project=project,
        obj=version,
        data=data,
    )
    events.emit(
        project=project,
        event_type="model_version.approved" if approved else "model_version.rejected",
        payload={**events.version_payload(version), "decided_by": user.username if user else "system"},
    )


@transaction.atomic
def model_version_auto_approve(*, version: ModelVersion, actor: User | None, reason: str) -> bool:
    """For automated flows when the project does not require a human: approve only if every check passes."""
    if version.registered_model.project.require_human_approval:
        return False
    checks = evaluate_checks(version)
    if not all(c["passed"] for c in checks):
        return False
    request = ApprovalRequest.objects.create(
        version=version,
        requested_by=actor,
        comment=reason,
        checks=checks,
        status=ApprovalRequest.Status.APPROVED,
        decided_at=timezone.now(),
        decision_comment="automatic: every required check passed",
    )
    version.approval = ApprovalState.APPROVED
    version.save(update_fields=["approval"])
    _record_decision(request, actor, [])
    return True


def model_evaluation_record(
    *,
    version: ModelVersion,
    evaluation_key: str,
    metrics: dict[str, Any],
    n_rows: int,
    dataset_version: Any = None,
    description: str = "",
) -> ModelEvaluation:
    evaluation, _ = ModelEvaluation.objects.update_or_create(
        version=version,
        evaluation_key=evaluation_key,
        defaults={"metrics": metrics, "n_rows": n_rows, "dataset_version": dataset_version, "description": description},
    )
    return evaluation
