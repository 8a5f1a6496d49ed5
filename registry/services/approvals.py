"""The approval workflow and its required checks.

The checks: the project's acceptance criteria, the validation gate against the current champion (as MLflow's
MetricThreshold, on the same evaluation data), and signature compatibility with the champion.

Where the project requires human approval, a version is ``pending`` until a maintainer approves or rejects it who
neither requested the approval nor authored the version (four eyes). Where it does not, a version whose checks
pass is approved as soon as it is registered (by any path) or as soon as an evaluation makes them pass; a
maintainer may approve their own version. Approving with a failing check needs an explicit, recorded override.
Every refusal names the next step (:func:`approval_next_step`).
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


def version_url(version: ModelVersion) -> str:
    model = version.registered_model
    return f"/api/v1/projects/{model.project.slug}/models/{model.name}/versions/{version.number}/"


def _criteria_metrics(version: ModelVersion) -> dict[str, Any]:
    """The version's own metrics, completed by its evaluations (newest first) for metrics it was registered
    without (an uploaded or MLflow model has no holdout metrics until it is evaluated)."""
    metrics: dict[str, Any] = {}
    for evaluation in version.evaluations.order_by("created_at"):
        metrics.update(evaluation.metrics)
    return metrics | {k: v for k, v in version.metrics.items() if v is not None}


def _criterion_text(version: ModelVersion, result: dict[str, Any]) -> str:
    text = f"{result['metric']} {result['op']} {result['threshold']} (got {result['value']})"
    if result["value"] is None:
        text += (
            f": v{version.number} has no {result['metric']!r}; evaluate it on a dataset version with "
            f'POST {version_url(version)}evaluate/ {{"dataset": NAME, "dataset_version": N}}'
        )
    return text


def check_acceptance(version: ModelVersion) -> dict[str, Any]:
    criteria = version.registered_model.project.acceptance_criteria
    result = check_criteria(_criteria_metrics(version), criteria)
    failing = [r for r in result["results"] if not r["passed"]]
    detail = (
        "no acceptance criteria"
        if not criteria
        else ("all criteria met" if not failing else "; ".join(_criterion_text(version, r) for r in failing))
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


def approval_next_step(version: ModelVersion) -> str:
    """What to do so that ``version`` may serve and hold protected aliases (for 409/403 details)."""
    url = version_url(version)
    if version.approval == ApprovalState.REJECTED:
        return f"v{version.number} was rejected: register a new version"
    if version.approval == ApprovalState.APPROVED:
        return f"v{version.number} is approved"
    failing = [c["name"] for c in evaluate_checks(version) if not c["passed"]]
    checks = f"its required checks fail ({', '.join(failing)}; see GET {url}checks/)" if failing else ""
    open_request = version.approval_requests.filter(status=ApprovalRequest.Status.OPEN).first()
    if not version.registered_model.project.require_human_approval:
        decide = f"POST {url}approval-requests/ then POST {url}approval-requests/ID/decide/ "
        if not checks:
            approve = '{"decision": "approve"}'
            return f"v{version.number} is pending approval: approve it as a maintainer: {decide}{approve}"
        return (
            f"v{version.number} is pending approval: {checks}; fix them, or approve it yourself as a maintainer "
            f'with a reason: {decide}{{"decision": "approve", "override": true, "override_reason": "..."}}'
        )
    where = (
        f"approval request {open_request.pk} is open: a maintainer who neither requested it nor authored "
        f"v{version.number} must decide it (POST {url}approval-requests/{open_request.pk}/decide/)"
        if open_request
        else f"request approval with POST {url}approval-requests/ and ask a reviewer (a maintainer who did not "
        f"author v{version.number}) to decide it"
    )
    return f"v{version.number} is pending approval (this project requires a human approval): {where}" + (
        f"; {checks}" if checks else ""
    )


@transaction.atomic
def approval_request_create(*, version: ModelVersion, user: User, comment: str = "") -> ApprovalRequest:
    if version.approval != ApprovalState.PENDING:
        raise Conflict(f"{version} is already {version.approval}: nothing to request ({approval_next_step(version)}).")
    try:
        with transaction.atomic():
            request = ApprovalRequest.objects.create(
                version=version, requested_by=user, comment=comment, checks=evaluate_checks(version)
            )
    except IntegrityError:
        open_request = version.approval_requests.filter(status=ApprovalRequest.Status.OPEN).first()
        raise Conflict(
            f"{version} already has an open approval request"
            + (
                f" ({open_request.pk}): decide it with POST {version_url(version)}approval-requests/"
                f"{open_request.pk}/decide/"
                if open_request
                else ""
            )
            + "."
        ) from None
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
    version = locked.version
    if not version.registered_model.project.require_human_approval:
        return locked
    reviewer = "ask another maintainer of the project to decide it, or add one (POST .../members/)"
    if locked.requested_by_id == user.pk:
        raise Forbidden(
            f"The requester cannot decide their own approval request (this project requires a human approval): "
            f"{reviewer}."
        )
    if version.created_by_id == user.pk:
        raise Forbidden(
            f"The author of v{version.number} cannot approve it (this project requires a human approval): {reviewer}."
        )
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
            f"{len(failing)} required check(s) failed ({', '.join(c['name'] for c in failing)}): fix them (see "
            f"GET {version_url(version)}checks/), or approve with override=true and an override_reason.",
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
        "checks": [{"name": c["name"], "passed": c["passed"]} for c in request.checks],
        "failing_checks": [c["name"] for c in failing],
        "override": request.override,
        "override_reason": request.override_reason,
        "automatic": request.decided_by_id is None,
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
    """Where the project does not require a human: approve a pending version whose every check passes (an open
    request is closed as approved), audited with the checks. True when the version is approved."""
    if version.approval == ApprovalState.APPROVED:
        return True
    if version.approval != ApprovalState.PENDING or version.registered_model.project.require_human_approval:
        return False
    checks = evaluate_checks(version)
    if not all(c["passed"] for c in checks):
        return False
    request = version.approval_requests.select_for_update().filter(status=ApprovalRequest.Status.OPEN).first()
    request = request or ApprovalRequest(version=version, requested_by=actor, comment=reason)
    request.checks, request.status, request.decided_at = checks, ApprovalRequest.Status.APPROVED, timezone.now()
    request.decision_comment = f"automatic: every required check passed ({reason})"
    request.save()
    version.approval = ApprovalState.APPROVED
    version.save(update_fields=["approval"])
    _record_decision(request, actor, [])
    return True


def _recheck_pending(version: ModelVersion, evaluation_key: str) -> None:
    """A new evaluation may make a pending version's checks pass (its own, or the champion's on the same data)."""
    if version.registered_model.project.require_human_approval:
        return
    pending = ModelVersion.objects.filter(
        registered_model_id=version.registered_model_id,
        approval=ApprovalState.PENDING,
        evaluations__evaluation_key=evaluation_key,
    ).select_related("registered_model__project")
    for candidate in pending:
        model_version_auto_approve(version=candidate, actor=None, reason=f"evaluated on {evaluation_key}")


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
    _recheck_pending(version, evaluation_key)
    return evaluation
