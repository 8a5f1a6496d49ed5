"""Running the traffic simulator against a deployment, as a user (API action, Celery task, management command)."""

from __future__ import annotations

from typing import Any

from celery import current_app

from console.simulator import InProcessSender, Sender, Simulation, run
from core import services as core_services
from core.audit import audit_record
from core.errors import ValidationFailed
from core.models import Project, User
from registry.models import Dataset
from registry.selectors.datasets import dataset_version_frame
from serving.models import Deployment
from serving.selectors import deployment_find


def simulation_build(
    *, project: Project, deployment: str, dataset: str, version: int | None = None, **options: Any
) -> Simulation:
    if deployment_find(project=project, name=deployment) is None:
        raise ValidationFailed.field("deployment", f"no deployment {deployment!r}")
    found = Dataset.objects.filter(project=project, name=dataset).first()
    dataset_version = None
    if found is not None:
        versions = found.versions.order_by("-number")
        dataset_version = versions.filter(number=version).first() if version else versions.first()
    if dataset_version is None:
        raise ValidationFailed.field("dataset", f"no version of dataset {dataset!r}")
    frame = dataset_version_frame(version=dataset_version)
    target = next((c["name"] for c in dataset_version.schema if c["role"] == "target"), None)
    ignored = [c["name"] for c in dataset_version.schema if c["role"] in ("identifier", "ignored", "timestamp")]
    sim = Simulation(
        project=project.slug, deployment=deployment, rows=frame.drop(columns=ignored), target=target, **options
    )
    errors = sim.validate()
    if errors:
        raise ValidationFailed(errors[0]["message"], errors=errors)
    return sim


def simulation_start(
    *, task: Any, project: Project, user: User, deployment: Deployment, **params: Any
) -> dict[str, Any]:
    """Check the simulation now (a 400 before anything is queued), then queue it with ``task`` (the Celery task
    ``console.tasks.simulate``, which imports this module to run it); in eager mode (the embedded default) it has
    run already and its result is in ``result``."""
    params = {**params, "deployment": deployment.name}
    simulation_build(project=project, **params)
    result = task.apply_async(args=[project.pk, user.pk, params])
    eager = bool(current_app.conf.task_always_eager)
    body: dict[str, Any] = {"task_id": result.id, "queued": not eager}
    if eager:
        body["result"] = result.get()
    return body


def simulation_run(*, sim: Simulation, user: User, sender: Sender | None = None) -> dict[str, Any]:
    project = Project.objects.get(slug=sim.project)
    if sender is None:
        token = core_services.api_token_create(user=user, name="simulator", default_project=project)
        sender = InProcessSender(token.secret)
        try:
            outcome = run(sim, sender)
        finally:
            core_services.api_token_revoke(user=user, token_id=token.token.pk)
    else:
        outcome = run(sim, sender)
    result = outcome.as_dict()
    audit_record(
        action="simulation.run",
        actor=user,
        project=project,
        obj=None,
        data={"deployment": sim.deployment, "scenario": sim.scenario, **result},
    )
    return result
