from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import TestCase
from django.utils import timezone

from core.models import AuditEvent
from registry import hooks
from registry.models import AliasEvent, ModelEvaluation, ModelVersion
from registry.services import approvals
from tests.registry.models_helpers import make_version

pytestmark = pytest.mark.django_db


def _url(team, suffix=""):
    return f"/api/v1/projects/{team.project.slug}/models/{suffix}"


def _approve(team, version, requester="editor", decider="maintainer", **extra):
    base = _url(team, f"{version.registered_model.name}/versions/{version.number}/approval-requests/")
    request = team.client(requester).post(base, {"comment": "ship it"}, format="json").json()
    return team.client(decider).post(f"{base}{request['id']}/decide/", {"decision": "approve", **extra}, format="json")


def test_versions_are_numbered_and_listed(team):
    first = make_version(team.project, team.users["editor"])
    second = make_version(team.project, team.users["editor"], c=0.1)
    assert (first.number, second.number) == (1, 2)
    body = team.client("viewer").get(_url(team, "cancer/versions/")).json()
    assert [v["version"] for v in body["results"]] == [2, 1]
    assert body["results"][0]["approval"] == "pending" and body["results"][0]["can_serve"] is False
    listing = team.client("viewer").get(_url(team)).json()["results"][0]
    assert listing["latest_version"] == 2 and listing["version_count"] == 2


def test_training_job_auto_registers_with_lineage_and_evaluation(team):
    from console.demo.data import breast_cancer_csv
    from tests.training.conftest import FAST_SPEC, upload_frame

    version = upload_frame(team, "cancer", breast_cancer_csv())
    body = {"dataset": "cancer", "spec": FAST_SPEC, "register_model": "diagnosis", "code_version": "deadbeef"}
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = (
            team.client("editor")
            .post(f"/api/v1/projects/{team.project.slug}/training-jobs/", body, format="json")
            .json()
        )
    detail = team.client("viewer").get(f"/api/v1/projects/{team.project.slug}/training-jobs/{job['id']}/").json()
    assert detail["status"] == "succeeded" and detail["model_version"] == 1
    registered = team.client("viewer").get(_url(team, "diagnosis/versions/1/")).json()
    assert registered["run_id"] == detail["run_id"]
    assert registered["training_job_uid"] == job["id"]
    assert registered["code_version"] == "deadbeef"
    assert registered["dataset_versions"] == [{"dataset": "cancer", "version": 1, "sha256": version.sha256}]
    assert {i["name"] for i in registered["signature"]["inputs"]} >= {"mean_radius", "worst_area"}
    assert registered["metrics"]["f1_macro"] > 0.9
    assert ModelEvaluation.objects.filter(version__number=1, evaluation_key__startswith="holdout:").exists()


def test_protected_alias_needs_maintainer_and_approved_version(team):
    version = make_version(team.project, team.users["editor"])
    url = _url(team, "cancer/aliases/champion/")
    assert team.client("editor").put(url, {"version": 1}, format="json").status_code == 403
    pending = team.client("maintainer").put(url, {"version": 1}, format="json")
    assert pending.status_code == 409 and "not approved" in pending.json()["detail"]
    challenger = team.client("editor").put(_url(team, "cancer/aliases/challenger/"), {"version": 1}, format="json")
    assert challenger.status_code == 200 and challenger.json()["aliases"] == ["challenger"]
    assert _approve(team, version).status_code == 200
    moved = team.client("maintainer").put(url, {"version": 1, "reason": "first release"}, format="json")
    assert moved.status_code == 200
    assert team.client("viewer").get(url).json()["version"] == 1
    assert team.client("editor").delete(url).status_code == 403


def test_alias_ledger_answers_what_was_champion_at_time_t(team):
    user = team.users["maintainer"]
    v1 = make_version(team.project, team.users["editor"])
    v2 = make_version(team.project, team.users["editor"], c=0.1)
    for v in (v1, v2):
        ModelVersion.objects.filter(pk=v.pk).update(approval="approved")
    client = team.client("maintainer")
    client.put(_url(team, "cancer/aliases/champion/"), {"version": 1}, format="json")
    AliasEvent.objects.update(created_at=timezone.now() - timedelta(hours=2))
    client.put(_url(team, "cancer/aliases/champion/"), {"version": 2}, format="json")
    hour_ago = (timezone.now() - timedelta(hours=1)).isoformat()
    before = client.get(_url(team, "cancer/alias-history/"), {"alias": "champion", "at": hour_ago}).json()
    assert before["version"] == 1
    now = client.get(
        _url(team, "cancer/alias-history/"),
        {"alias": "champion", "at": (timezone.now() + timedelta(seconds=1)).isoformat()},
    )
    assert now.json()["version"] == 2
    earlier = client.get(
        _url(team, "cancer/alias-history/"),
        {"alias": "champion", "at": (timezone.now() - timedelta(days=1)).isoformat()},
    )
    assert earlier.json()["version"] is None
    ledger = client.get(_url(team, "cancer/alias-history/")).json()["results"]
    assert [(e["previous_version"], e["version"]) for e in ledger] == [(1, 2), (None, 1)]
    assert ledger[0]["actor"] == user.username


def test_requester_cannot_approve_own_request(team):
    version = make_version(team.project, team.users["maintainer"])
    response = _approve(team, version, requester="maintainer", decider="maintainer")
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.approval == "pending"
    assert (
        team.client("editor")
        .post(_url(team, "cancer/versions/1/approval-requests/1/decide/"), {"decision": "approve"}, format="json")
        .status_code
        == 403
    )  # editors cannot decide at all


def test_failing_acceptance_check_needs_recorded_override(team):
    team.project.acceptance_criteria = [{"metric": "f1_macro", "op": ">=", "threshold": 0.999}]
    team.project.save()
    version = make_version(team.project, team.users["editor"])
    refused = _approve(team, version)
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "checks.acceptance_criteria"
    request_id = version.approval_requests.get().pk
    base = _url(team, f"cancer/versions/1/approval-requests/{request_id}/decide/")
    no_reason = team.client("maintainer").post(base, {"decision": "approve", "override": True}, format="json")
    assert no_reason.status_code == 400 and no_reason.json()["errors"][0]["field"] == "override_reason"
    ok = team.client("maintainer").post(
        base, {"decision": "approve", "override": True, "override_reason": "clinical sign-off"}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["override"] is True
    event = AuditEvent.objects.get(action="approval.approve")
    assert event.data["override_reason"] == "clinical sign-off"
    assert event.data["failing_checks"] == ["acceptance_criteria"]


def _champion(team, **kwargs):
    champion = make_version(team.project, team.users["editor"], **kwargs)
    ModelVersion.objects.filter(pk=champion.pk).update(approval="approved")
    champion.refresh_from_db()
    team.client("maintainer").put(_url(team, "cancer/aliases/champion/"), {"version": champion.number}, format="json")
    return champion


def test_validation_gate_fails_for_a_worse_candidate_on_shared_data(team):
    champion = _champion(team)
    candidate = make_version(team.project, team.users["editor"], c=0.1)
    checks = {c["name"]: c for c in approvals.evaluate_checks(candidate)}
    assert checks["validation_gate"]["passed"] is False  # no shared evaluation yet
    assert "same data" in checks["validation_gate"]["detail"]
    for version, f1 in ((champion, 0.95), (candidate, 0.90)):
        approvals.model_evaluation_record(
            version=version, evaluation_key="holdout:x", metrics={"f1_macro": f1}, n_rows=100
        )
    gate = {c["name"]: c for c in approvals.evaluate_checks(candidate)}["validation_gate"]
    assert gate["passed"] is False and gate["evidence"]["change"] == pytest.approx(-0.05)
    approvals.model_evaluation_record(
        version=candidate, evaluation_key="holdout:x", metrics={"f1_macro": 0.97}, n_rows=100
    )
    candidate.registered_model.validation_gate = {"metric": "f1_macro", "min_relative_change": 0.05}
    candidate.registered_model.save()
    relative = {c["name"]: c for c in approvals.evaluate_checks(candidate)}["validation_gate"]
    assert relative["passed"] is False  # +2.1% is below the required +5%
    candidate.registered_model.validation_gate = {"metric": "f1_macro", "min_absolute_change": 0.01}
    candidate.registered_model.save()
    assert {c["name"]: c for c in approvals.evaluate_checks(candidate)}["validation_gate"]["passed"] is True


def test_signature_incompatible_with_champion_fails_check(team):
    _champion(team)
    narrow = make_version(team.project, team.users["editor"], features=("mean_radius", "mean_texture"))
    check = {c["name"]: c for c in approvals.evaluate_checks(narrow)}["signature_compatibility"]
    assert check["passed"] is False
    assert any("is missing" in p for p in check["evidence"]["problems"])


def test_evaluate_endpoint_scores_candidate_and_champion_on_the_same_rows(team):
    from tests.registry.models_helpers import cancer_frame
    from tests.training.conftest import upload_frame

    _champion(team)
    candidate = make_version(team.project, team.users["editor"], c=0.01)
    upload_frame(team, "holdout", cancer_frame().to_csv(index=False).encode())
    response = team.client("editor").post(
        _url(team, f"cancer/versions/{candidate.number}/evaluate/"),
        {"dataset": "holdout", "dataset_version": 1},
        format="json",
    )
    assert response.status_code == 200, response.content
    versions = {e["version"] for e in response.json()["evaluations"]}
    assert versions == {1, 2}
    assert len({e["evaluation_key"] for e in response.json()["evaluations"]}) == 1


def test_integrity_mismatch_marks_unhealthy_and_blocks_traffic(team):
    version = make_version(team.project, team.users["editor"])
    ModelVersion.objects.filter(pk=version.pk).update(approval="approved")
    blob = next(p for p in Path(settings.ARTIFACT_ROOT).rglob(version.artifact_sha256))
    blob.write_bytes(blob.read_bytes()[:-10] + b"tampered!!")
    response = team.client("viewer").get(_url(team, "cancer/versions/1/download/"))
    assert response.status_code == 409
    version.refresh_from_db()
    assert version.health == "unhealthy" and version.can_serve is False
    assert AuditEvent.objects.filter(action="model_version.unhealthy", object_id=str(version.pk)).exists()
    champion = team.client("maintainer").put(_url(team, "cancer/aliases/champion/"), {"version": 1}, format="json")
    assert champion.status_code == 409


def test_deletion_refused_for_protected_alias_and_live_deployment(team):
    version = _champion(team)
    refused = team.client("maintainer").delete(_url(team, "cancer/versions/1/"))
    assert refused.status_code == 409 and "champion" in refused.json()["detail"]
    other = make_version(team.project, team.users["editor"], c=0.1)

    def deployed(sender, version, **kwargs):
        return ["deployment 'cancer-api'"] if version.pk == other.pk else []

    hooks.version_references.connect(deployed, weak=False)
    try:
        blocked = team.client("maintainer").post(_url(team, f"cancer/versions/{other.number}/archive/"))
        assert blocked.status_code == 409 and "cancer-api" in blocked.json()["detail"]
    finally:
        hooks.version_references.disconnect(deployed)
    assert team.client("maintainer").delete(_url(team, f"cancer/versions/{other.number}/")).status_code == 204
    assert ModelVersion.objects.filter(pk=version.pk).exists()


def test_delete_removes_artifacts_nothing_else_references(team):
    version = make_version(team.project, team.users["editor"], c=0.3)
    path = next(Path(settings.ARTIFACT_ROOT).rglob(version.artifact_sha256))
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert team.client("maintainer").delete(_url(team, "cancer/versions/1/")).status_code == 204
    assert not path.exists()


def test_model_card_json_and_markdown(team):
    make_version(team.project, team.users["editor"])
    base = _url(team, "cancer/versions/1/card/")
    card = team.client("viewer").get(base).json()
    assert card["complete"] is False and card["missing_sections"] == ["limitations", "ethical_considerations"]
    assert card["generated_sections"] == ["intended_use"] and team.project.name in card["sections"]["intended_use"]
    assert card["metrics"]["f1_macro"] > 0.9
    updated = team.client("editor").patch(
        base,
        {
            "intended_use": "Triage support",
            "limitations": "Adults only",
            "ethical_considerations": "Human review required",
        },
        format="json",
    )
    assert updated.json()["complete"] is True
    markdown = team.client("viewer").get(base, {"format": "markdown"})
    assert markdown["Content-Type"].startswith("text/markdown")
    text = markdown.content.decode()
    assert "# Model card: cancer v1" in text and "Triage support" in text and "| f1_macro |" in text


def test_upload_skops_model_and_refuse_pickle_with_the_next_step(team):
    from registry.model_io import save_pipeline
    from tests.registry.models_helpers import trained

    result = trained()
    example = result.input_example
    data = save_pipeline(result.pipeline)
    upload = {"file": io.BytesIO(data), "format": "skops", "input_example": __import__("json").dumps(example)}
    assert team.client("editor").post(_url(team, "ext/versions/upload/"), upload, format="multipart").status_code == 403
    upload["file"] = io.BytesIO(data)
    created = team.client("maintainer").post(_url(team, "ext/versions/upload/"), upload, format="multipart")
    assert created.status_code == 201, created.content
    assert created.json()["source"] == "upload" and created.json()["artifact_format"] == "skops"
    stored_before = {p.name for p in Path(settings.ARTIFACT_ROOT).rglob("*") if p.is_file()}
    for fmt in ("pickle", "skops"):  # declared as a pickle, or disguised as skops: refused either way
        pickled = {"file": io.BytesIO(b"\x80\x04K\x01."), "format": fmt, "input_example": '[{"a": 1}]'}
        refused = team.client("maintainer").post(_url(team, "ext/versions/upload/"), pickled, format="multipart")
        assert refused.status_code == 400 and "keel models upload" in refused.json()["detail"]
    garbage = {"file": io.BytesIO(b"not a model"), "input_example": '[{"a": 1}]'}
    refused = team.client("maintainer").post(_url(team, "ext/versions/upload/"), garbage, format="multipart")
    assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "not_skops"
    assert ModelVersion.objects.filter(registered_model__name="ext").count() == 1
    assert {p.name for p in Path(settings.ARTIFACT_ROOT).rglob("*") if p.is_file()} == stored_before
