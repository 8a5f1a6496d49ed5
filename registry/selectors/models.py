from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Max, QuerySet

from core.models import Project
from core.selectors import first_or_not_found
from registry.models import AliasEvent, ApprovalRequest, ModelAlias, ModelVersion, RegisteredModel


def registered_model_list(*, project: Project) -> QuerySet[RegisteredModel]:
    return (
        RegisteredModel.objects.filter(project=project)
        .annotate(latest_number=Max("versions__number"), n_versions=Count("versions", distinct=True))
        .prefetch_related("aliases__version")
        .order_by("name")
    )


def registered_model_get_with_counts(*, project: Project, name: str) -> RegisteredModel:
    """``registered_model_get`` with what the list shows (latest number, version count, aliases)."""
    return first_or_not_found(registered_model_list(project=project).filter(name=name), f"Model {name!r} not found.")


def registered_model_get(*, project: Project, name: str) -> RegisteredModel:
    return first_or_not_found(
        RegisteredModel.objects.select_related("project").filter(project=project, name=name),
        f"Model {name!r} not found.",
    )


def model_version_list(*, model: RegisteredModel) -> QuerySet[ModelVersion]:
    return (
        model.versions.select_related("run", "created_by", "registered_model__project")
        .prefetch_related("aliases", "dataset_versions__dataset")
        .order_by("-number")
    )


def alias_list(*, model: RegisteredModel) -> QuerySet[ModelAlias]:
    return model.aliases.select_related("version")


def model_version_get(*, model: RegisteredModel, number: int) -> ModelVersion:
    return first_or_not_found(
        model_version_list(model=model).filter(number=number), f"Model {model.name!r} has no version {number}."
    )


def model_version_by_alias(*, model: RegisteredModel, alias: str) -> ModelVersion:
    row = first_or_not_found(
        ModelAlias.objects.filter(registered_model=model, name=alias), f"Model {model.name!r} has no alias {alias!r}."
    )
    return model_version_get(model=model, number=row.version.number)


def alias_history(*, model: RegisteredModel, alias: str | None = None) -> QuerySet[AliasEvent]:
    events = AliasEvent.objects.filter(registered_model=model).select_related("actor")
    return events.filter(alias=alias) if alias else events


def alias_at(*, model: RegisteredModel, alias: str, at: datetime) -> AliasEvent | None:
    """The ledger entry in force at ``at``: the last move of ``alias`` at or before that time."""
    return alias_history(model=model, alias=alias).filter(created_at__lte=at).order_by("-created_at", "-id").first()


def approval_request_list(*, version: ModelVersion) -> QuerySet[ApprovalRequest]:
    return version.approval_requests.select_related("requested_by", "decided_by").order_by("-created_at")


def approval_request_get(*, version: ModelVersion, request_id: int) -> ApprovalRequest:
    return first_or_not_found(
        approval_request_list(version=version).filter(pk=request_id), f"Approval request {request_id} not found."
    )
