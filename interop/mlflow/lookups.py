"""The reads behind the MLflow endpoints: Keel objects found by the ids and names MLflow clients send, always
inside the caller's project, and the querysets its searches page through."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet

from core.errors import NotFound
from core.models import Project, User
from interop.mlflow import errors
from interop.mlflow.shapes import DEFAULT_EXPERIMENT
from interop.models import MlflowLoggedModel
from registry.models import ApprovalRequest, Experiment, ModelVersion, RegisteredModel, Run
from registry.search import like_to_regex
from registry.selectors import experiments as run_selectors
from registry.selectors import models as model_selectors
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


def experiment_by_name(project: Project, name: str) -> Experiment:
    found = Experiment.objects.filter(project=project, name=name).first()
    if found is None:
        raise errors.missing(f"Could not find experiment with name '{name}'")
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


def registered_model_by_name(project: Project, name: Any) -> RegisteredModel:
    if not isinstance(name, str) or not name:
        raise errors.invalid("Missing value for required parameter 'name'.")
    found = RegisteredModel.objects.select_related("project").filter(project=project, name=name).first()
    if found is None:
        raise errors.missing(f"Registered Model with name={name} not found")
    return found


def model_version_by_number(model: RegisteredModel, number: int) -> ModelVersion | None:
    return model_selectors.model_version_list(model=model).filter(number=number).first()


def latest_model_version(model: RegisteredModel) -> ModelVersion | None:
    return model_selectors.model_version_list(model=model).first()


def registered_models(project: Project) -> QuerySet[RegisteredModel]:
    """The project's registered models, for a search to filter and order."""
    return RegisteredModel.objects.filter(project=project).prefetch_related("aliases__version")


def model_versions(project: Project) -> QuerySet[ModelVersion]:
    """The versions of the project's models with what the MLflow shape reads, for a search to filter and order."""
    return (
        ModelVersion.objects.filter(registered_model__project=project)
        .select_related("registered_model", "run", "created_by", "mlflow_link__logged_model")
        .prefetch_related("aliases")
    )


def open_approval_request(version: ModelVersion) -> ApprovalRequest | None:
    """The version's newest open approval request, if any."""
    return version.approval_requests.filter(status=ApprovalRequest.Status.OPEN).order_by("-id").first()


_FILTER = re.compile(r"^(name|source_run_id)\s*(=|LIKE|ILIKE)\s*(['\"])(.*)\3$", re.IGNORECASE | re.DOTALL)
_COLUMNS = {"name": "name", "source_run_id": "run__run_id"}


def logged_models(project: Project, filter_text: str, experiment_ids: Sequence[str]) -> QuerySet[MlflowLoggedModel]:
    """The project's logged models, newest first, matching ``filter_text`` (``name`` or ``source_run_id``
    compared with =, LIKE or ILIKE, what MLflow clients send) and in one of ``experiment_ids`` when given."""
    models = MlflowLoggedModel.objects.filter(project=project).select_related("run").order_by("-created_at", "-id")
    if experiment_ids:
        models = models.filter(experiment_id__in=[int(i) for i in experiment_ids if i.isdigit()])
    if not filter_text.strip():
        return models
    match = _FILTER.match(filter_text.strip())
    if match is None:
        raise errors.MlflowError(
            errors.NOT_IMPLEMENTED,
            f"Keel does not implement this logged-model filter: {filter_text!r}; it supports name or source_run_id "
            "with =, LIKE or ILIKE (search runs for metrics and params).",
        )
    column, op, value = _COLUMNS[match.group(1).lower()], match.group(2).upper(), match.group(4)
    if op == "=":
        return models.filter(**{column: value})
    lookup = "regex" if op == "LIKE" else "iregex"
    return models.filter(**{f"{column}__{lookup}": like_to_regex(value)})


# --- links from MLflow's UI paths: any project the signed-in user belongs to ----------------------------------------


def _member_projects(user_id: int) -> QuerySet[Project]:
    return Project.objects.filter(memberships__user_id=user_id)


def linked_run(user_id: int, experiment_id: int, run_id: str) -> Run | None:
    runs = Run.objects.select_related("project").filter(project__in=_member_projects(user_id))
    return runs.filter(experiment_id=experiment_id, run_id=run_id).first()


def linked_experiment(user_id: int, experiment_id: int) -> Experiment | None:
    experiments = Experiment.objects.select_related("project").filter(project__in=_member_projects(user_id))
    return experiments.filter(pk=experiment_id).first()


def linked_model(user_id: int, name: str) -> RegisteredModel | None:
    models = RegisteredModel.objects.select_related("project").filter(project__in=_member_projects(user_id), name=name)
    return models.order_by("project__slug").first()
