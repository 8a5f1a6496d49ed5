"""Finding Keel objects by the ids MLflow clients send, always inside the caller's project."""

from __future__ import annotations

from core.errors import NotFound
from core.models import Project, User
from interop.mlflow import errors
from interop.mlflow.shapes import DEFAULT_EXPERIMENT
from interop.models import MlflowLoggedModel
from registry.models import Experiment, Run
from registry.selectors import experiments as run_selectors
from registry.services import experiments as run_services


def experiment_by_id(project: Project, experiment_id: object) -> Experiment:
    text = str(experiment_id or "")
    if text == "0":
        found = Experiment.objects.filter(project=project, name=DEFAULT_EXPERIMENT).first()
    else:
        valid = text.isdigit() and len(text) <= 18  # a bigint; longer ids cannot exist
        found = Experiment.objects.filter(project=project, pk=int(text)).first() if valid else None
    if found is None:
        raise errors.missing(f"No Experiment with id={text} exists")
    return found


def experiment_for_write(project: Project, experiment_id: object, user: User) -> Experiment:
    """As ``experiment_by_id``; MLflow's default experiment '0' is created on first use."""
    if str(experiment_id or "0") == "0":
        return run_services.experiment_get_or_create(project=project, name=DEFAULT_EXPERIMENT, user=user)
    return experiment_by_id(project, experiment_id)


def run_by_id(project: Project, run_id: object) -> Run:
    if not isinstance(run_id, str) or not run_id:
        raise errors.invalid("Missing value for required parameter 'run_id'.")
    try:
        return run_selectors.run_get_detail(project=project, run_id=run_id)
    except NotFound as exc:
        raise errors.missing(f"Run with id={run_id} not found") from exc


def logged_model_by_id(project: Project, model_id: str) -> MlflowLoggedModel:
    found = (
        MlflowLoggedModel.objects.select_related("run__experiment", "experiment")
        .filter(project=project, model_id=model_id)
        .first()
    )
    if found is None:
        raise errors.missing(f"Logged model with ID '{model_id}' not found.")
    return found
