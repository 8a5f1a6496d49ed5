"""MLflow 3 LoggedModel endpoints (``/api/2.0/mlflow/logged-models``): created by ``log_model``, whose files
go through the artifact proxy into a folder of the source run."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from core.roles import Action
from interop.mlflow import registration, shapes
from interop.mlflow.base import MlflowView, ok, pairs, string
from interop.mlflow.lookups import experiment_for_write, logged_model_by_id, logged_models, run_by_id


class LoggedModelCreate(MlflowView):
    access = {"POST": Action.WRITE}

    def post(self, request: Request) -> Response:
        data = self.body()
        experiment = experiment_for_write(self.project, data.get("experiment_id"), self.user)
        run_id = string(data, "source_run_id")
        model = registration.logged_model_create(
            experiment=experiment,
            user=self.user,
            name=string(data, "name"),
            model_type=string(data, "model_type"),
            run=run_by_id(self.project, run_id) if run_id else None,
            params=pairs(data.get("params"), "params"),
            tags=pairs(data.get("tags"), "tags"),
        )
        return ok({"model": shapes.logged_model(model)})


class LoggedModelDetail(MlflowView):
    access = {"GET": Action.READ, "PATCH": Action.WRITE, "DELETE": Action.WRITE}

    def get(self, request: Request, model_id: str) -> Response:
        return ok({"model": shapes.logged_model(logged_model_by_id(self.project, model_id))})

    def patch(self, request: Request, model_id: str) -> Response:
        """Finalize: set the upload status."""
        model = logged_model_by_id(self.project, model_id)
        model = registration.logged_model_update(model=model, user=self.user, status=string(self.body(), "status"))
        return ok({"model": shapes.logged_model(model)})

    def delete(self, request: Request, model_id: str) -> Response:
        registration.logged_model_delete(model=logged_model_by_id(self.project, model_id), user=self.user)
        return ok()


def _update(view: MlflowView, model_id: str, **changes: Any) -> Response:
    registration.logged_model_update(model=logged_model_by_id(view.project, model_id), user=view.user, **changes)
    return ok()


class LoggedModelParams(MlflowView):
    access = {"POST": Action.WRITE}

    def post(self, request: Request, model_id: str) -> Response:
        return _update(self, model_id, params=pairs(self.body().get("params"), "params"))


class LoggedModelTags(MlflowView):
    access = {"PATCH": Action.WRITE}

    def patch(self, request: Request, model_id: str) -> Response:
        return _update(self, model_id, tags=pairs(self.body().get("tags"), "tags"))


class LoggedModelTagDelete(MlflowView):
    access = {"DELETE": Action.WRITE}

    def delete(self, request: Request, model_id: str, tag_key: str) -> Response:
        return _update(self, model_id, delete_tag=tag_key)


class LoggedModelSearch(MlflowView):
    """Search by experiment; filters other than none are refused (Keel's own run search covers the rest)."""

    access = {"POST": Action.READ}

    def post(self, request: Request) -> Response:
        data = self.body()
        ids = [str(i) for i in self.list_param(data, "experiment_ids")]
        models = logged_models(self.project, string(data, "filter"), ids)
        return self.page(data, "models", models, shapes.logged_model, default=100, limit=1000)
