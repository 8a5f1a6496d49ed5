"""MLflow model registry endpoints: registered models, versions, aliases, tags and download URIs, on Keel's
registered models and versions (approval, protected aliases and audit as Keel's own API)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import Conflict
from core.roles import Action
from interop.mlflow import errors, lookups, registration, shapes
from interop.mlflow import search as mlflow_search
from interop.mlflow.base import MlflowView, integer, ok, pairs, required, string
from registry.models import ModelVersion, RegisteredModel
from registry.selectors import models as model_selectors
from registry.services import models as model_services


def _model(view: MlflowView, name: Any) -> RegisteredModel:
    return lookups.registered_model_by_name(view.project, name)


def _version_shape(version: ModelVersion) -> dict[str, Any]:
    return shapes.model_version(version, shapes.link_of(version))


def _version(view: MlflowView, data: dict[str, Any]) -> ModelVersion:
    model = _model(view, data.get("name"))
    number = integer(data, "version")
    if number is None:
        raise errors.invalid("Missing value for required parameter 'version'.")
    in_range = 0 < number < 2**31
    found = lookups.model_version_by_number(model, number) if in_range else None
    if found is None:
        raise errors.missing(f"Model Version (name={model.name}, version={number}) not found")
    return found


def _latest(model: RegisteredModel) -> list[ModelVersion]:
    latest = lookups.latest_model_version(model)
    return [latest] if latest else []


def _registered(model: RegisteredModel) -> dict[str, Any]:
    return shapes.registered_model(model, _latest(model))


# --- registered models ---------------------------------------------------------------------------------------------


class RegisteredModelCreate(MlflowView):
    access = {"POST": Action.WRITE}

    def post(self, request: Request) -> Response:
        data = self.body()
        tags = pairs(data.get("tags"), "tags")
        if str(tags.get(PROMPT_TAG, "")).lower() == "true":
            raise errors.MlflowError(
                errors.NOT_IMPLEMENTED, "Keel does not implement MLflow's prompt registry (register_prompt)."
            )
        model = model_services.registered_model_create(
            project=self.project,
            user=self.user,
            name=required(data, "name"),
            description=string(data, "description"),
            tags=tags,
        )
        return ok({"registered_model": _registered(model)})


class RegisteredModelGet(MlflowView):
    access = {"GET": Action.READ}

    def get(self, request: Request) -> Response:
        return ok({"registered_model": _registered(_model(self, self.body().get("name")))})


class _Search(MlflowView):
    """One page of the project's rows (``rows``) that match MLflow's filter and order syntax (``search``), in the
    response list ``key``, each shaped by ``shape``."""

    access = {"GET": Action.READ}
    search: Callable[..., Any]
    rows: Callable[[Any], Any]
    shape: Callable[[Any], dict[str, Any]]
    key = ""
    default = limit = 0

    def get(self, request: Request) -> Response:
        data = self.body()
        filter_string, order_by = string(data, "filter"), self.list_param(data, "order_by")
        found = self.search(self.rows(self.project), filter_string=filter_string, order_by=order_by)
        return self.page(data, self.key, found, self.shape, default=self.default, limit=self.limit)


class RegisteredModelSearch(_Search):
    search = staticmethod(mlflow_search.registered_models)
    rows = staticmethod(lookups.registered_models)
    shape = staticmethod(_registered)
    key, default, limit = "registered_models", 100, 1000


class RegisteredModelRename(MlflowView):
    """Rename a registered model: versions, aliases and lineage stay with it; training jobs and retraining
    policies that register into it by name follow (registry.services.models.registered_model_rename)."""

    access = {"POST": Action.WRITE}

    def post(self, request: Request) -> Response:
        data = self.body()
        model = _model(self, data.get("name"))
        new_name = string(data, "new_name")
        if not new_name:
            raise errors.MlflowError(errors.INVALID_PARAMETER_VALUE, "Missing value for required parameter 'new_name'.")
        model = model_services.registered_model_rename(model=model, user=self.user, new_name=new_name)
        return ok({"registered_model": _registered(model)})


class RegisteredModelUpdate(MlflowView):
    access = {"PATCH": Action.WRITE}

    def patch(self, request: Request) -> Response:
        data = self.body()
        model = _model(self, data.get("name"))
        model = model_services.registered_model_update(
            model=model, user=self.user, description=string(data, "description")
        )
        return ok({"registered_model": _registered(model)})


class RegisteredModelDelete(MlflowView):
    access = {"DELETE": Action.OPERATE}

    def delete(self, request: Request) -> Response:
        model_services.registered_model_delete(model=_model(self, self.body().get("name")), user=self.user)
        return ok()


class RegisteredModelSetTag(MlflowView):
    access = {"POST": Action.WRITE}

    def post(self, request: Request) -> Response:
        data = self.body()
        model = _model(self, data.get("name"))
        tags = {**model.tags, required(data, "key"): string(data, "value")}
        model_services.registered_model_update(model=model, user=self.user, tags=tags)
        return ok()


class RegisteredModelDeleteTag(MlflowView):
    access = {"DELETE": Action.WRITE}

    def delete(self, request: Request) -> Response:
        data = self.body()
        model = _model(self, data.get("name"))
        key = required(data, "key")
        if key not in model.tags:
            raise errors.missing(f"Registered model {model.name} has no tag {key!r}.")
        tags = {k: v for k, v in model.tags.items() if k != key}
        model_services.registered_model_update(model=model, user=self.user, tags=tags)
        return ok()


class LatestVersions(MlflowView):
    access = {"GET": Action.READ, "POST": Action.READ}

    def get(self, request: Request) -> Response:
        return self.latest()

    def post(self, request: Request) -> Response:
        return self.latest()

    def latest(self) -> Response:
        model = _model(self, self.body().get("name"))
        return ok({"model_versions": [_version_shape(v) for v in _latest(model)]})


# --- aliases -------------------------------------------------------------------------------------------------------


class Alias(MlflowView):
    access = {"GET": Action.READ, "POST": Action.WRITE, "DELETE": Action.WRITE}

    def get(self, request: Request) -> Response:
        data = self.body()
        model = _model(self, data.get("name"))
        version = model_selectors.model_version_by_alias(model=model, alias=required(data, "alias"))
        return ok({"model_version": _version_shape(version)})

    def post(self, request: Request) -> Response:
        data = self.body()
        version = _version(self, data)
        alias = required(data, "alias")
        try:
            model_services.model_alias_set(
                model=version.registered_model, user=self.user, role=self.role, alias=alias, version=version
            )
        except Conflict as exc:
            if any(error.get("code") == "not_approved" for error in exc.errors):
                raise errors.MlflowError(errors.RESOURCE_CONFLICT, _approval_missing(version, alias)) from exc
            raise
        return ok()

    def delete(self, request: Request) -> Response:
        data = self.body()
        model = _model(self, data.get("name"))
        model_services.model_alias_delete(model=model, user=self.user, role=self.role, alias=required(data, "alias"))
        return ok()


def _approval_missing(version: ModelVersion, alias: str) -> str:
    """Why a protected alias cannot point at ``version`` and the Keel endpoint that approves it."""
    model = version.registered_model
    kwargs = {"project": model.project.slug, "model": model.name, "number": version.number}
    requests_url = reverse("approval-request-list", kwargs=kwargs)
    message = (
        f"Alias {alias!r} of registered model {model.name!r} is protected: it points only at approved versions, "
        f"and version {version.number} is {version.approval} (approval state: {version.approval}). "
    )
    open_request = lookups.open_approval_request(version)
    if open_request is not None:
        decide = reverse("approval-request-decide", kwargs={**kwargs, "request_id": open_request.pk})
        return message + (
            f"Approval request {open_request.pk} ({requests_url}) is open: a maintainer other than its requester "
            f"decides it with POST {decide}, then set the alias again."
        )
    return message + (
        f"Request approval with POST {requests_url}; a maintainer other than the requester decides it with POST "
        f"{requests_url}<request id>/decide/, then set the alias again. Unprotected aliases need no approval."
    )


# --- versions ------------------------------------------------------------------------------------------------------


class ModelVersionCreate(MlflowView):
    access = {"POST": Action.WRITE}

    def post(self, request: Request) -> Response:
        data = self.body()
        version = registration.model_version_create(
            project=self.project,
            user=self.user,
            name=required(data, "name"),
            source=required(data, "source"),
            run_id=string(data, "run_id"),
            model_id=string(data, "model_id"),
            tags=pairs(data.get("tags"), "tags"),
            description=string(data, "description"),
        )
        version = model_selectors.model_version_get(model=version.registered_model, number=version.number)
        return ok({"model_version": _version_shape(version)})


class ModelVersionGet(MlflowView):
    access = {"GET": Action.READ}

    def get(self, request: Request) -> Response:
        version = _version(self, self.body())
        return ok({"model_version": _version_shape(version)})


class ModelVersionUpdate(MlflowView):
    access = {"PATCH": Action.WRITE}

    def patch(self, request: Request) -> Response:
        data = self.body()
        version = _version(self, data)
        if "description" in data:
            version = model_services.model_version_update(
                version=version, user=self.user, description=string(data, "description")
            )
        return ok({"model_version": _version_shape(version)})


class ModelVersionDelete(MlflowView):
    access = {"DELETE": Action.OPERATE}

    def delete(self, request: Request) -> Response:
        model_services.model_version_delete(version=_version(self, self.body()), user=self.user)
        return ok()


class ModelVersionSearch(_Search):
    search = staticmethod(mlflow_search.model_versions)
    rows = staticmethod(lookups.model_versions)
    shape = staticmethod(_version_shape)
    key, default, limit = "model_versions", 1000, 200000


class ModelVersionDownloadUri(MlflowView):
    access = {"GET": Action.READ}

    def get(self, request: Request) -> Response:
        return ok({"artifact_uri": registration.download_uri(_version(self, self.body()))})


class ModelVersionSetTag(MlflowView):
    access = {"POST": Action.WRITE}

    def post(self, request: Request) -> Response:
        data = self.body()
        value = data.get("value")
        registration.model_version_set_tag(
            version=_version(self, data),
            user=self.user,
            key=required(data, "key"),
            value="" if value is None else str(value),
        )
        return ok()


class ModelVersionDeleteTag(MlflowView):
    access = {"DELETE": Action.WRITE}

    def delete(self, request: Request) -> Response:
        data = self.body()
        registration.model_version_set_tag(
            version=_version(self, data), user=self.user, key=required(data, "key"), value=None
        )
        return ok()


# MLflow endpoints Keel knows of and does not implement: NOT_IMPLEMENTED rather than ENDPOINT_NOT_FOUND.
UNSUPPORTED = (
    "mlflow/runs/log-model",
    "mlflow/model-versions/transition-stage",
    "mlflow/metrics/get-history-bulk-interval",
    "mlflow/traces",
    "mlflow/webhooks",
    "mlflow/scorers",
    "mlflow/artifacts/presigned",
    "mlflow/gateway",
    "mlflow-artifacts/mpu/",
    "mlflow-artifacts/presigned/",
    "gateway",
    "endpoints",
)
PROMPT_TAG = "mlflow.prompt.is_prompt"


class NotFoundEndpoint(MlflowView):
    """Any other path under /api/2.0/mlflow/: MLflow's ENDPOINT_NOT_FOUND (authenticated callers only); MLflow
    features Keel does not implement (traces and the rest of /api/3.0/, the gateway, ...): NOT_IMPLEMENTED."""

    access = {"GET": Action.READ, "POST": Action.READ, "PUT": Action.READ, "PATCH": Action.READ, "DELETE": Action.READ}
    route_fallback = True  # core.middleware.OptionalSlashMiddleware tries the other spelling of the path first

    def _answer(self) -> Response:
        version, rest = re.match(r"^/api/(\d\.\d)/(.*)$", self.request.path).groups()  # type: ignore[union-attr]
        if version != "2.0" or rest.startswith(UNSUPPORTED):
            raise errors.MlflowError(errors.NOT_IMPLEMENTED, f"Keel does not implement MLflow's {rest}.")
        raise errors.MlflowError(
            errors.ENDPOINT_NOT_FOUND, f"No API endpoint {self.request.method} {self.request.path}."
        )

    def get(self, request: Request, rest: str = "") -> Response:
        return self._answer()

    def post(self, request: Request, rest: str = "") -> Response:
        return self._answer()

    def put(self, request: Request, rest: str = "") -> Response:
        return self._answer()

    def patch(self, request: Request, rest: str = "") -> Response:
        return self._answer()

    def delete(self, request: Request, rest: str = "") -> Response:
        return self._answer()
