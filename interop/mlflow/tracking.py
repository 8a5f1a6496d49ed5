"""MLflow tracking endpoints: experiments, runs, params, metrics, tags, batches, metric history, inputs."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from core.roles import Action
from interop.mlflow import services, shapes
from interop.mlflow.base import MlflowView, integer, ok, pairs, required, string
from interop.mlflow.lookups import experiment_by_id, experiment_by_name, experiment_for_write, run_by_id
from registry.models import Experiment, Run
from registry.selectors import experiments as run_selectors
from registry.services import experiments as run_services


def _experiment(view: MlflowView, data: dict[str, Any]) -> Experiment:
    return experiment_by_id(view.project, required(data, "experiment_id"))


def _run(view: MlflowView, data: dict[str, Any]) -> Run:
    """The run a call names by ``run_id`` (or by MLflow's older ``run_uuid``)."""
    return run_by_id(view.project, data.get("run_id") or data.get("run_uuid"))


# --- experiments ---------------------------------------------------------------------------------------------------


class ExperimentCreate(MlflowView):
    access = {"POST": Action.WRITE}

    def post(self, request: Request) -> Response:
        data = self.body()
        tags = pairs(data.get("tags"), "tags")
        description = tags.pop("mlflow.note.content", "")
        exp = run_services.experiment_create(
            project=self.project, user=self.user, name=required(data, "name"), description=description, tags=tags
        )
        return ok({"experiment_id": str(exp.pk)})


class ExperimentGet(MlflowView):
    access = {"GET": Action.READ}

    def get(self, request: Request) -> Response:
        exp = _experiment(self, self.body())
        return ok({"experiment": shapes.experiment(exp)})


class ExperimentGetByName(MlflowView):
    access = {"GET": Action.READ}

    def get(self, request: Request) -> Response:
        name = required(self.body(), "experiment_name")
        return ok({"experiment": shapes.experiment(experiment_by_name(self.project, name))})


class ExperimentSearch(MlflowView):
    access = {"GET": Action.READ, "POST": Action.READ}

    def get(self, request: Request) -> Response:
        return self.search(self.body())

    def post(self, request: Request) -> Response:
        return self.search(self.body())

    def search(self, data: dict[str, Any]) -> Response:
        experiments = services.experiment_search(
            project=self.project,
            view_type=string(data, "view_type", default="ACTIVE_ONLY"),
            filter_string=string(data, "filter"),
            order_by=self.list_param(data, "order_by"),
        )
        return self.page(data, "experiments", experiments, shapes.experiment, default=1000, limit=50000)


class ExperimentUpdate(MlflowView):
    access = {"POST": Action.WRITE}

    def post(self, request: Request) -> Response:
        data = self.body()
        exp = _experiment(self, data)
        run_services.experiment_update(experiment=exp, user=self.user, name=string(data, "new_name") or None)
        return ok()


class ExperimentDelete(MlflowView):
    """Delete an experiment (soft); ``ExperimentRestore`` undoes it."""

    access = {"POST": Action.WRITE}
    service = staticmethod(run_services.experiment_delete)

    def post(self, request: Request) -> Response:
        self.service(experiment=_experiment(self, self.body()), user=self.user)
        return ok()


class ExperimentRestore(ExperimentDelete):
    service = staticmethod(run_services.experiment_restore)


class ExperimentSetTag(MlflowView):
    access = {"POST": Action.WRITE}

    def post(self, request: Request) -> Response:
        data = self.body()
        exp = _experiment(self, data)
        services.experiment_set_tag(experiment=exp, user=self.user, key=required(data, "key"), value=data.get("value"))
        return ok()


class ExperimentDeleteTag(MlflowView):
    access = {"POST": Action.WRITE}

    def post(self, request: Request) -> Response:
        data = self.body()
        exp = _experiment(self, data)
        services.experiment_delete_tag(experiment=exp, user=self.user, key=required(data, "key"))
        return ok()


# --- runs ----------------------------------------------------------------------------------------------------------


class RunCreate(MlflowView):
    access = {"POST": Action.WRITE}

    def post(self, request: Request) -> Response:
        data = self.body()
        exp = experiment_for_write(self.project, data.get("experiment_id"), self.user)
        run = services.run_create(
            experiment=exp,
            user=self.user,
            name=string(data, "run_name"),
            tags=pairs(data.get("tags"), "tags"),
            start_time=integer(data, "start_time"),
        )
        return ok({"run": shapes.run(run_by_id(self.project, run.run_id))})


class RunGet(MlflowView):
    access = {"GET": Action.READ}

    def get(self, request: Request) -> Response:
        return ok({"run": shapes.run(_run(self, self.body()))})


class RunUpdate(MlflowView):
    access = {"POST": Action.WRITE}

    def post(self, request: Request) -> Response:
        data = self.body()
        run = _run(self, data)
        run = services.run_update(
            run=run,
            user=self.user,
            status=string(data, "status"),
            end_time=integer(data, "end_time"),
            name=data.get("run_name"),
        )
        return ok({"run_info": shapes.run_info(run)})


class RunDelete(MlflowView):
    """Delete a run (soft); ``RunRestore`` undoes it."""

    access = {"POST": Action.WRITE}
    service = staticmethod(run_services.run_delete)

    def post(self, request: Request) -> Response:
        self.service(run=run_by_id(self.project, self.body().get("run_id")), user=self.user)
        return ok()


class RunRestore(RunDelete):
    service = staticmethod(run_services.run_restore)


class RunSearch(MlflowView):
    access = {"POST": Action.READ}

    def post(self, request: Request) -> Response:
        data = self.body()
        runs = services.run_search(
            project=self.project,
            experiment_ids=self.list_param(data, "experiment_ids"),
            filter_string=string(data, "filter"),
            order_by=self.list_param(data, "order_by"),
            view_type=string(data, "run_view_type", default="ACTIVE_ONLY"),
        )
        return self.page(data, "runs", runs, shapes.run, default=1000, limit=50000)


class RunLogMetric(MlflowView):
    access = {"POST": Action.WRITE}

    def post(self, request: Request) -> Response:
        data = self.body()
        run = _run(self, data)
        point = {key: data.get(key) for key in ("key", "value", "step", "timestamp")}
        services.run_log_batch(run=run, user=self.user, metrics=[point])
        return ok()


class RunLogParam(MlflowView):
    """Log one param of a run (``RunSetTag``: one tag), as a batch of one."""

    access = {"POST": Action.WRITE}
    batch_field = "params"

    def post(self, request: Request) -> Response:
        data = self.body()
        pair = {"key": data.get("key"), "value": data.get("value")}
        services.run_log_batch(run=_run(self, data), user=self.user, **{self.batch_field: [pair]})
        return ok()


class RunSetTag(RunLogParam):
    batch_field = "tags"


class RunDeleteTag(MlflowView):
    access = {"POST": Action.WRITE}

    def post(self, request: Request) -> Response:
        data = self.body()
        run = run_by_id(self.project, data.get("run_id"))
        run_services.run_tag_delete(run=run, user=self.user, key=required(data, "key"))
        return ok()


class RunLogBatch(MlflowView):
    access = {"POST": Action.WRITE}

    def post(self, request: Request) -> Response:
        data = self.body()
        run = run_by_id(self.project, data.get("run_id"))
        services.run_log_batch(
            run=run, user=self.user, metrics=data.get("metrics"), params=data.get("params"), tags=data.get("tags")
        )
        return ok()


class RunLogInputs(MlflowView):
    access = {"POST": Action.WRITE}

    def post(self, request: Request) -> Response:
        data = self.body()
        run = run_by_id(self.project, data.get("run_id"))
        services.run_log_inputs(run=run, user=self.user, datasets=data.get("datasets") or [])
        return ok()


class RunLogOutputs(MlflowView):
    """MLflow 3 links a run to the LoggedModels it produced; in Keel the model already lives in the run's folder."""

    access = {"POST": Action.WRITE}

    def post(self, request: Request) -> Response:
        data = self.body()
        run_by_id(self.project, data.get("run_id"))
        return ok()


class MetricHistory(MlflowView):
    access = {"GET": Action.READ}

    def get(self, request: Request) -> Response:
        data = self.body()
        run = _run(self, data)
        points = run_selectors.run_metric_history(run=run, key=required(data, "metric_key"))
        return self.page(data, "metrics", points, _metric_point, default=25000, limit=25000)


def _metric_point(point: Any) -> dict[str, Any]:
    return shapes.metric_point(point.key, point.value, point.step, point.timestamp)
