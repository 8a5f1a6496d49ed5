"""Demo steps for serving and monitoring (called by `manage.py demo`): register and approve, deploy, serve,
simulate drifting traffic with delayed feedback, detect drift, fire an alert, retrain, canary and promote.

Every step is idempotent: on a second run finished steps report what they find instead of redoing it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd
from django.utils import timezone

from console.demo.training import bar, progress
from console.simulator import InProcessSender
from core import services as core_services
from core.models import Membership, Project, User
from monitoring.models import Alert, DriftConfig, DriftReport, RetrainingPolicy, RetrainingRun
from monitoring.services import alerts, config, drift, retraining
from registry.models import ApprovalState, ModelAlias, ModelVersion
from registry.services import approvals
from registry.services.models import model_alias_set
from serving import rollouts
from serving.models import Deployment
from serving.selectors import deployment_find
from serving.services import deployment_create

MODEL, DEPLOYMENT, REVIEWER = "diagnosis", "diagnosis-api", "demo-reviewer"
# A live drift view: a report every minute over the last ten, so `manage.py simulate` traffic shows within a minute.
DRIFT_SCHEDULE = {"window_minutes": 10, "cadence_minutes": 1}
SHIFTED = [
    "mean_radius",
    "mean_texture",
    "mean_perimeter",
    "mean_area",
    "worst_radius",
    "worst_texture",
    "worst_perimeter",
    "worst_area",
    "mean_concavity",
    "worst_concavity",
]


def _frame() -> pd.DataFrame:
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer(as_frame=True)
    frame = bunch.frame.copy()
    frame.columns = [str(c).replace(" ", "_") for c in frame.columns]
    frame["target"] = frame["target"].map(dict(enumerate(bunch.target_names)))
    return frame


def _client_token(user: User, project: Project, name: str) -> Any:
    """A token for the demo's API calls; the previous one of the same name is revoked (tokens do not pile up)."""
    from core.models import ApiToken

    for old in ApiToken.objects.active().filter(user=user, name=name):
        core_services.api_token_revoke(user=user, token_id=old.pk)
    return core_services.api_token_create(user=user, name=name, default_project=project)


def _version(project: Project) -> ModelVersion:
    version = (
        ModelVersion.objects.filter(registered_model__project=project, registered_model__name=MODEL)
        .order_by("number")
        .first()
    )
    if version is None:
        raise RuntimeError("the training step registered no model version (acceptance criteria failed?)")
    return version


def approve_and_deploy(*, user: User, project: Project, out: Any) -> dict[str, Any]:
    version = _version(project)
    reviewer = User.objects.filter(username=REVIEWER).first() or User.objects.create_user(REVIEWER)
    Membership.objects.get_or_create(project=project, user=reviewer, defaults={"role": "maintainer"})
    if version.approval == ApprovalState.PENDING:
        request = approvals.approval_request_create(version=version, user=user, comment="demo: first release")
        approvals.approval_decide(request=request, user=reviewer, approve=True, comment="checks pass")
        version.refresh_from_db()
        out.write(
            f"    {version}: approval requested by {user}, approved by {reviewer} (checks: "
            f"{', '.join(c['name'] for c in request.checks)})\n"
        )
    if not ModelAlias.objects.filter(registered_model=version.registered_model, name="champion").exists():
        model_alias_set(
            model=version.registered_model,
            user=user,
            role="owner",
            alias="champion",
            version=version,
            reason="demo: first release",
        )
    deployment = deployment_find(project=project, name=DEPLOYMENT)
    if deployment is None:
        deployment = deployment_create(project=project, user=user, name=DEPLOYMENT, version=version, alias="champion")
        out.write(f"    deployed {version} as {DEPLOYMENT!r} (revision 1, 100% of traffic)\n")
    else:
        revision = deployment.current_revision.number if deployment.current_revision else "-"
        out.write(f"    deployment {DEPLOYMENT!r} exists (revision {revision})\n")
    if not DriftConfig.objects.filter(deployment=deployment).exists():
        config.drift_config_set(deployment=deployment, user=user, **DRIFT_SCHEDULE)
        out.write(
            f"    drift schedule: a report every {DRIFT_SCHEDULE['cadence_minutes']} min over the last "
            f"{DRIFT_SCHEDULE['window_minutes']} min (the dashboard's heatmap follows it)\n"
        )
    return {"Deployment": f"{DEPLOYMENT} serving {MODEL} v{version.number}"}


def _traffic(
    api: InProcessSender,
    project: Project,
    rows: pd.DataFrame,
    label_rate: float,
    out: Any,
    what: str,
    keys: str = "patient",
) -> int:
    base = f"/api/v1/projects/{project.slug}/deployments/{DEPLOYMENT}/"
    rng = np.random.default_rng(len(rows))
    labelled = 0
    for start in range(0, len(rows), 10):
        batch = rows.iloc[start : start + 10]
        inputs = [{k: float(v) for k, v in r.items() if k != "target"} for r in batch.to_dict(orient="records")]
        answer = api.post(base + "predict/", {"inputs": inputs, "routing_key": f"{keys}-{start}"})
        items = [
            {"prediction_id": pid, "value": label}
            for pid, label in zip(answer["prediction_ids"], batch["target"], strict=True)
            if rng.random() < label_rate
        ]
        if items:
            api.post(base + "feedback/", {"items": items})
            labelled += len(items)
        progress(out, f"\r    {what} {bar(min(start + 10, len(rows)), len(rows))}")
    out.write(f" ({labelled} labelled)")
    return labelled


def _shifted(frame: pd.DataFrame, n: int, k: float) -> pd.DataFrame:
    rows = frame.sample(n=n, replace=True, random_state=7).reset_index(drop=True)
    for name in SHIFTED:
        rows[name] = rows[name] + k * frame[name].std()
    return rows


def serve_and_drift(*, user: User, project: Project, out: Any) -> dict[str, Any]:
    deployment = Deployment.objects.get(project=project, name=DEPLOYMENT)
    if RetrainingRun.objects.filter(policy__deployment=deployment).exists():
        out.write("    traffic and drift already simulated on an earlier run\n")
        report = DriftReport.objects.filter(deployment=deployment).order_by("-window_end").first()
        return {
            "Drift": f"{report.share_drifted:.0%} of features drifted"
            if report and report.share_drifted is not None
            else "see the drift reports"
        }
    token = _client_token(user, project, "demo-traffic")
    api = InProcessSender(token.secret)
    frame = _frame()
    started = timezone.now()
    _traffic(api, project, frame.sample(n=200, random_state=1), 0.5, out, "normal traffic ")
    _traffic(api, project, _shifted(frame, 300, 1.5), 0.8, out, "drifting traffic")
    report, _ = drift.drift_report_create(
        deployment=deployment,
        window_start=started - timedelta(seconds=1),
        window_end=timezone.now() + timedelta(seconds=1),
        trigger="manual",
        user=user,
    )
    drifted = [c["name"] for c in report.result["columns"] if c["drifted"]]
    out.write(
        f"    drift report over {report.n_rows} predictions: {report.status}, {report.summary}"
        f" ({len(drifted)}/{len(report.result['columns'])} = {report.share_drifted:.0%})\n"
    )
    return {"Drift": f"{report.share_drifted:.0%} of features drifted over {report.n_rows} predictions"}


def alert_and_retrain(*, user: User, project: Project, out: Any) -> dict[str, Any]:
    deployment = Deployment.objects.get(project=project, name=DEPLOYMENT)
    run = RetrainingRun.objects.filter(policy__deployment=deployment).order_by("-created_at").first()
    if run is None:
        rule = config.alert_rule_save(
            project=project,
            user=user,
            name="feature-drift",
            deployment=DEPLOYMENT,
            metric="drift_share",
            op=">",
            threshold=0.3,
            window_minutes=60,
            cooldown_minutes=60,
            severity="warning",
            channels=[],
        )
        config.retraining_policy_save(
            project=project,
            user=user,
            name="retrain-on-drift",
            deployment=DEPLOYMENT,
            trigger="alert",
            alert_rules=[rule.name],
            dataset="breast-cancer",
            include_feedback=True,
            spec=_spec(),
            model_name=MODEL,
            min_interval_minutes=0,
            rollout={
                "kind": "canary",
                "steps": [25, 100],
                "interval_seconds": 10,
                "guardrails": {"min_requests": 20, "max_p95_ratio": 10},
            },
        )
        project.require_human_approval = False  # the policy may approve candidates whose checks all pass
        project.save(update_fields=["require_human_approval"])
        alert = alerts.evaluate_rule(rule=rule)
        out.write(
            f"    alert {rule.name!r}: {alert.status if alert else 'not firing'}"
            f"{f' ({alert.message})' if alert else ''}\n"
        )
        run = RetrainingRun.objects.filter(policy__deployment=deployment).order_by("-created_at").first()
    if run is None:
        raise RuntimeError("the alert did not start a retraining run")
    run = _advance(run, out)
    return {"Retraining": f"run {run.pk}: {run.status}"}


def _spec() -> dict[str, Any]:
    from console.demo.training import DEMO_SPEC

    return dict(DEMO_SPEC)


def _advance(run: RetrainingRun, out: Any, timeout: float = 600) -> RetrainingRun:
    deadline = time.monotonic() + timeout
    while run.status == RetrainingRun.Status.TRAINING and time.monotonic() < deadline:
        retraining.retraining_advance(run_id=run.pk)
        run.refresh_from_db()
        if run.status == RetrainingRun.Status.TRAINING:
            time.sleep(1)
    out.write(f"    retraining run {run.pk}: {' -> '.join(s['step'] for s in run.steps)}\n")
    for check in run.checks:
        out.write(f"      {'PASS' if check['passed'] else 'FAIL'} {check['name']}: {check['detail']}\n")
    return run


def canary_and_promote(*, user: User, project: Project, out: Any) -> dict[str, Any]:
    deployment = Deployment.objects.get(project=project, name=DEPLOYMENT)
    run = RetrainingRun.objects.filter(policy__deployment=deployment).order_by("-created_at").first()
    if run is None or run.status != RetrainingRun.Status.ROLLING_OUT:
        status = run.status if run else "none"
        out.write(f"    nothing to roll out (retraining run: {status})\n")
        return {"Canary": status}
    token = _client_token(user, project, "demo-canary")
    api = InProcessSender(token.secret)
    frame = _frame()
    for step in range(5):
        deployment.refresh_from_db()
        if not deployment.rollout:
            break
        weight = deployment.rollout["plan"]["steps"][deployment.rollout["step_index"]]
        _traffic(
            api,
            project,
            _shifted(frame, 120, 1.5).sample(frac=1, random_state=step),
            0.0,
            out,
            f"canary at {weight:g}%  ",
            keys=f"canary-{step}",  # fresh sticky keys each round, so the canary's share is not fixed by 12 keys
        )
        started = deployment.rollout["step_started_at"]
        decision = rollouts.rollout_tick(deployment_id=deployment.pk, now=started + 11)  # demo clock: fast-forward
        out.write(
            f"    canary analysis: {decision.action if decision else '-'} "
            f"({'; '.join(decision.reasons) if decision else ''})\n"
        )
    run = _advance_rollout(run)
    champion = ModelAlias.objects.get(
        registered_model__project=project, registered_model__name=MODEL, name="champion"
    ).version
    out.write(f"    retraining run {run.pk}: {run.status}; champion is now {champion}\n")
    return {"Canary": f"{run.status}; champion {MODEL} v{champion.number}"}


def _advance_rollout(run: RetrainingRun) -> RetrainingRun:
    retraining.retraining_advance(run_id=run.pk)
    run.refresh_from_db()
    return run


def summary(*, user: User, project: Project, out: Any) -> dict[str, Any]:
    firing = Alert.objects.filter(rule__project=project, status="firing").count()
    policies = RetrainingPolicy.objects.filter(project=project).count()
    deployment = Deployment.objects.get(project=project, name=DEPLOYMENT)
    revision = deployment.current_revision
    assert revision is not None
    serving = [
        f"{v.model_version.registered_model.name} v{v.model_version.number} ({v.weight:g}%)"
        for v in revision.variants.select_related("model_version__registered_model")
    ]
    run = RetrainingRun.objects.filter(policy__deployment=deployment).order_by("-created_at").first()
    return {
        "Deployment": f"{DEPLOYMENT} revision {revision.number} serving {', '.join(serving)}",
        "Retraining": f"run {run.pk}: {run.status}" if run else "no run",  # the final state, not the step's
        "Alerts firing": firing,
        "Retraining policies": policies,
    }


def steps() -> Iterator[tuple[str, Any]]:
    yield "Approve the version (requester and reviewer differ), set the champion alias, deploy", approve_and_deploy
    yield "Serve predictions, then drifting traffic with delayed feedback; detect the drift", serve_and_drift
    yield "Fire the drift alert; the retraining policy trains, registers and gates a candidate", alert_and_retrain
    yield "Roll the candidate out as a canary and promote it", canary_and_promote
    yield "Summary", summary
