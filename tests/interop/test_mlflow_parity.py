"""The flows of MLflow's own documentation, run with the real ``mlflow`` client against a real ``mlflow server``
(sqlite backend, local artifact root) and against a live Keel (gunicorn) in the same test run: both must give the
same results once ids and timestamps are set aside.

Flows: the tracking quickstart (params, metrics, a skops model registered and loaded back), autologging with a
grid search, the model registry tutorial (search_registered_models with no arguments, ``name =``, ``LIKE`` and
tags, search_model_versions, aliases, ``models:/name@alias``, rename, delete), dataset tracking (``log_input``),
and run/experiment search with tags, deletion and restore, rename.

The Keel project does not require human approval, so a version whose checks pass is approved when it is registered
and the registry flow sets the ``champion`` alias (protected by default in Keel) as the tutorial does.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pandas as pd
import pytest
import requests
from mlflow import MlflowClient
from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException
from sklearn.datasets import load_iris, make_regression
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.svm import SVC

from tests.integration.conftest import celery_worker_proc  # noqa: F401 - fixture used by live_keel_worker
from tests.live import LiveKeel, free_port, stop
from tests.live import live_keel as live_keel

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

Flow = Callable[[MlflowClient], Any]
REQUIREMENTS = ["scikit-learn", "skops"]  # given, so that log_model does not infer them in a subprocess


@dataclass
class Backend:
    name: str
    url: str
    token: str = ""


class MlflowServer:
    """``mlflow server`` started when the module starts (it needs a minute to create its sqlite schema)."""

    def __init__(self, root: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = root / "mlflow-server.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "DJANGO_", "DATABASE_"))}
        command = [
            str(Path(sys.executable).with_name("mlflow")),
            "server",
            "--backend-store-uri",
            f"sqlite:///{root / 'mlflow.db'}",
            "--artifacts-destination",
            str(root / "artifacts"),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            "1",
        ]
        with open(self.log, "ab") as handle:
            self.proc = subprocess.Popen(
                command, cwd=root, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.ready = False

    def backend(self, timeout: float = 300) -> Backend:
        deadline = time.monotonic() + timeout
        while not self.ready:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mlflow server exited with {self.proc.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as response:
                    self.ready = response.status == 200
            except (OSError, urllib.error.URLError):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"mlflow server did not answer /health; see {self.log}") from None
                time.sleep(0.5)
        return Backend("mlflow", self.url)


@pytest.fixture(scope="module")
def mlflow_server(tmp_path_factory) -> Iterator[MlflowServer]:
    server = MlflowServer(tmp_path_factory.mktemp("mlflow-server"))
    try:
        yield server
    finally:
        stop(server.proc)


@pytest.fixture
def keel(live_keel: LiveKeel) -> Backend:
    """Alice's project on the live Keel, without required human approval (her MLflow calls land in it)."""
    response = requests.post(
        f"{live_keel.url}/api/v1/projects/",
        json={"slug": "parity", "name": "Parity", "require_human_approval": False},
        headers={"Authorization": f"Bearer {live_keel.token}"},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    return Backend("keel", live_keel.url, live_keel.token)


@pytest.fixture
def both(mlflow_server, keel, monkeypatch) -> Callable[[Flow], Any]:
    """Run a flow against mlflow server, then Keel; assert the same result and return it."""

    def run(flow: Flow) -> Any:
        results = {}
        for backend in (mlflow_server.backend(), keel):
            monkeypatch.setenv("MLFLOW_TRACKING_URI", backend.url)
            monkeypatch.setenv("MLFLOW_REGISTRY_URI", backend.url)  # set_registry_uri writes it; undone at teardown
            monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
            if backend.token:
                monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", backend.token)
            else:
                monkeypatch.delenv("MLFLOW_TRACKING_TOKEN", raising=False)
            mlflow.set_tracking_uri(backend.url)
            mlflow.set_registry_uri(backend.url)
            try:
                results[backend.name] = flow(MlflowClient(backend.url, backend.url))
            finally:
                while mlflow.active_run():
                    mlflow.end_run()
                mlflow.set_tracking_uri(None)
                mlflow.set_registry_uri(None)
        assert results["keel"] == results["mlflow"]
        return results["keel"]

    return run


def iris() -> tuple[pd.DataFrame, pd.Series]:
    data = load_iris(as_frame=True)
    frame = data.frame.rename(columns=lambda c: c.replace(" (cm)", "").replace(" ", "_"))
    return frame.drop(columns=["target"]), frame["target"]


def rounded(metrics: dict[str, float]) -> dict[str, float]:
    return {k: (round(v, 6) if not math.isnan(v) else "nan") for k, v in metrics.items()}


def user_tags(tags: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in tags.items() if not k.startswith(("mlflow.", "keel."))}


def dataset_inputs(run: Any) -> list[dict[str, Any]]:
    return [
        {
            "name": i.dataset.name,
            "digest": i.dataset.digest,
            "source_type": i.dataset.source_type,
            "source": i.dataset.source,
            "schema": i.dataset.schema,
            "profile": i.dataset.profile,
            "tags": {t.key: t.value for t in i.tags},
        }
        for i in run.inputs.dataset_inputs
    ]


# --- the tracking quickstart -----------------------------------------------------------------------------------------


def tracking_quickstart(client: MlflowClient) -> dict[str, Any]:
    x, y = iris()
    params = {"solver": "lbfgs", "max_iter": 1000, "random_state": 8888}
    model = LogisticRegression(**params).fit(x, y)
    accuracy = float((model.predict(x) == y).mean())
    mlflow.set_experiment("MLflow Quickstart")
    with mlflow.start_run() as run:
        mlflow.log_params(params)
        mlflow.log_metric("accuracy", accuracy)
        mlflow.set_tag("Training Info", "Basic LR model for iris data")
        info = mlflow.sklearn.log_model(
            model,
            name="iris_model",
            input_example=x.head(3),
            registered_model_name="tracking-quickstart",
            serialization_format="skops",
            pip_requirements=REQUIREMENTS,
        )
    loaded = mlflow.pyfunc.load_model(info.model_uri)
    got = client.get_run(run.info.run_id)
    found = mlflow.search_runs(
        experiment_names=["MLflow Quickstart"], filter_string="tags.`Training Info` LIKE 'Basic LR%'"
    )
    return {
        "experiment": client.get_experiment_by_name("MLflow Quickstart").name,
        "found_by_tag": list(found["run_id"]) == [run.info.run_id],
        "params": got.data.params,
        "metrics": rounded(got.data.metrics),
        "tags": user_tags(got.data.tags),
        "status": got.info.status,
        "version": str(info.registered_model_version),
        "predictions_equal": bool(np.array_equal(loaded.predict(x), model.predict(x))),
        "inputs": sorted(f["name"] for f in info.signature.inputs.to_dict()),
    }


def check_tracking_quickstart(result: dict[str, Any]) -> None:
    assert result["params"]["max_iter"] == "1000" and result["metrics"]["accuracy"] > 0.9
    assert result["version"] == "1" and result["predictions_equal"]
    assert result["experiment"] == "MLflow Quickstart" and result["found_by_tag"]


# --- autologging with a grid search ----------------------------------------------------------------------------------


def autolog_grid_search(client: MlflowClient) -> dict[str, Any]:
    x, y = iris()
    experiment = mlflow.set_experiment("autolog-grid-search")
    mlflow.sklearn.autolog(max_tuning_runs=4, log_models=False, silent=True)
    try:
        with mlflow.start_run(run_name="grid") as parent:
            GridSearchCV(SVC(), {"kernel": ("linear", "rbf"), "C": [1, 10]}, cv=3).fit(x, y)
    finally:
        mlflow.sklearn.autolog(disable=True)
    run = client.get_run(parent.info.run_id)
    children = client.search_runs(
        [experiment.experiment_id],
        filter_string=f"tags.mlflow.parentRunId = '{parent.info.run_id}'",
        order_by=["params.C ASC", "params.kernel ASC"],
    )
    return {
        "params": run.data.params,
        "metrics": sorted(run.data.metrics),
        "best_cv_score": round(run.data.metrics["best_cv_score"], 6),
        "estimator": run.data.tags.get("estimator_class"),
        "artifacts": sorted(f.path for f in client.list_artifacts(parent.info.run_id)),
        "children": [(c.data.params["C"], c.data.params["kernel"], sorted(c.data.metrics)) for c in children],
        "datasets": [(i["name"], i["digest"], i["tags"]) for i in dataset_inputs(run)],
    }


def check_autolog_grid_search(result: dict[str, Any]) -> None:
    assert result["estimator"] == "sklearn.model_selection._search.GridSearchCV" and len(result["children"]) == 4
    assert result["params"]["best_C"] in ("1", "10") and "cv_results.csv" in result["artifacts"]
    assert result["datasets"] and result["datasets"][0][2] == {"mlflow.data.context": "train"}


# --- the model registry tutorial -------------------------------------------------------------------------------------


def model_registry(client: MlflowClient) -> dict[str, Any]:
    x, y = make_regression(n_features=4, n_informative=2, random_state=0, shuffle=False)
    frame = pd.DataFrame(x, columns=["a", "b", "c", "d"])
    model = Ridge(alpha=0.5).fit(frame, y)  # the tutorial's forest holds tree types skops asks to trust explicitly
    name = "sk-learn-random-forest-reg-model"
    for existing in client.search_registered_models():  # the registry starts empty on both servers
        client.delete_registered_model(existing.name)
    mlflow.set_experiment("model-registry")
    client.create_registered_model(name, tags={"team": "forecast"}, description="a linear model")
    client.create_registered_model("other-model", tags={"team": "ops"})
    runs = []
    for alpha in (0.5, 1.0):
        with mlflow.start_run() as run:
            mlflow.log_param("alpha", alpha)
            info = mlflow.sklearn.log_model(
                model,
                name="sklearn-model",
                input_example=frame.head(2),
                serialization_format="skops",
                pip_requirements=REQUIREMENTS,
            )
        runs.append(run.info.run_id)
        mlflow.register_model(info.model_uri, name)
    client.set_model_version_tag(name, "2", "validation_status", "approved")

    def names(**kwargs: Any) -> list[str]:
        return [m.name for m in client.search_registered_models(**kwargs)]

    def versions(filter_string: str, **kwargs: Any) -> list[tuple[str, str]]:
        found = client.search_model_versions(filter_string, order_by=["name ASC", "version_number ASC"], **kwargs)
        return [(v.name, v.version) for v in found]

    first_page = client.search_registered_models(max_results=1)
    second_page = client.search_registered_models(max_results=1, page_token=first_page.token)
    result: dict[str, Any] = {
        "all": names(),
        "by_name": names(filter_string=f"name = '{name}'"),
        "like": names(filter_string="name LIKE 'sk-learn%'"),
        "ilike": names(filter_string="name ILIKE 'SK-LEARN%'"),
        "by_tag": names(filter_string="tags.team = 'ops'"),
        "by_backticked_tag": names(filter_string="tags.`team` LIKE 'fore%'"),
        "ordered": names(order_by=["name DESC"]),
        "pages": [[m.name for m in first_page], [m.name for m in second_page], bool(second_page.token)],
        "versions": versions(f"name = '{name}'"),
        "versions_newer": versions(f"name = '{name}' AND version_number > 1"),
        "versions_by_run": versions(f"run_id = '{runs[0]}'"),
        "versions_by_tag": versions("tags.validation_status = 'approved'"),
        "versions_like": versions("name LIKE 'sk-%'"),
    }
    client.set_registered_model_alias(name, "champion", "2")
    result["alias"] = client.get_model_version_by_alias(name, "champion").version
    result["model_aliases"] = client.get_registered_model(name).aliases
    loaded = mlflow.pyfunc.load_model(f"models:/{name}@champion")
    result["alias_predicts"] = bool(np.allclose(loaded.predict(frame), model.predict(frame)))
    client.update_registered_model(name, description="a ridge regression")
    client.update_model_version(name, "1", description="first")
    result["descriptions"] = (
        client.get_registered_model(name).description,
        client.get_model_version(name, "1").description,
    )
    client.delete_registered_model_alias(name, "champion")
    result["aliases_after_delete"] = client.get_registered_model(name).aliases
    client.rename_registered_model(name, "forest")
    renamed = client.get_registered_model("forest")
    result["renamed"] = (renamed.name, versions("name = 'forest'"), names(filter_string=f"name = '{name}'"))
    client.delete_model_version("forest", "1")
    client.delete_registered_model("other-model")
    result["after_delete"] = (names(), versions("name = 'forest'"))
    return result


def check_model_registry(result: dict[str, Any]) -> None:
    name = "sk-learn-random-forest-reg-model"
    assert result["all"] == ["other-model", name] and result["by_name"] == [name] and result["like"] == [name]
    assert result["by_tag"] == ["other-model"] and result["versions_newer"] == [(name, "2")]
    assert result["alias"] == "2" and result["alias_predicts"] and result["model_aliases"] == {"champion": "2"}
    assert result["after_delete"] == (["forest"], [("forest", "2")])


# --- dataset tracking, run and experiment search, delete, restore, rename --------------------------------------------


def datasets_and_search(client: MlflowClient) -> dict[str, Any]:
    x, y = iris()
    frame = x.assign(target=y)
    ids = {}
    for name, team in (("exp-a", "x"), ("exp-b", "y"), ("exp-c", None)):
        ids[name] = client.create_experiment(name, tags={"team": team} if team else None)
    mlflow.set_experiment(experiment_id=ids["exp-a"])
    run_ids = []
    for index, c in enumerate((0.1, 1.0, 10.0)):
        with mlflow.start_run(run_name=f"run-{index}") as run:
            mlflow.log_param("C", c)
            mlflow.log_metric("score", c / 10)
            mlflow.set_tag("stage", "dev" if index else "prod")
            if index == 0:
                dataset = mlflow.data.from_pandas(frame, name="toy", targets="target")
                mlflow.log_input(dataset, context="training")
        run_ids.append(run.info.run_id)

    def experiments(filter_string: str | None = None, **kwargs: Any) -> list[str]:
        return [e.name for e in client.search_experiments(filter_string=filter_string, **kwargs)]

    def runs(filter_string: str = "", **kwargs: Any) -> list[str]:
        found = client.search_runs([ids["exp-a"]], filter_string, order_by=["metrics.score DESC"], **kwargs)
        return [r.info.run_name for r in found]

    result: dict[str, Any] = {
        "inputs": dataset_inputs(client.get_run(run_ids[0])),
        "experiments_by_tag": experiments("tags.`team` = 'x'"),
        "experiments_by_tag_like": experiments("tags.team LIKE '%'", order_by=["name ASC"]),
        "experiments_by_name": experiments("name LIKE 'exp-%' AND tags.team != 'x'"),
        "experiments_newest_first": experiments("name LIKE 'exp-%'"),
        "runs_by_tag": runs("tags.stage = 'dev'"),
        "runs_by_metric": runs("metrics.score > 0.005 AND params.C != '10.0'"),
        "runs_by_name": runs("attributes.run_name LIKE 'run-%'"),
    }
    client.delete_run(run_ids[1])
    result["runs_after_delete"] = (runs(), runs(run_view_type=ViewType.DELETED_ONLY))
    client.restore_run(run_ids[1])
    result["runs_after_restore"] = runs()
    client.delete_experiment(ids["exp-b"])
    result["experiments_after_delete"] = (
        experiments("name LIKE 'exp-%'", order_by=["name ASC"]),
        experiments("name LIKE 'exp-%'", view_type=ViewType.DELETED_ONLY),
    )
    client.restore_experiment(ids["exp-b"])
    result["experiments_after_restore"] = experiments("name LIKE 'exp-%'", order_by=["name ASC"])
    result["restored_runs"] = runs("tags.stage = 'dev'")
    client.rename_experiment(ids["exp-c"], "exp-renamed")
    client.set_experiment_tag(ids["exp-c"], "team", "z")
    result["experiments_after_rename"] = experiments("tags.team = 'z'")
    try:
        client.search_experiments(filter_string="tags.team > 'x'")
        result["bad_filter"] = None
    except MlflowException as exc:
        result["bad_filter"] = exc.error_code
    return result


def check_datasets_and_search(result: dict[str, Any]) -> None:
    toy = result["inputs"][0]
    assert toy["name"] == "toy" and toy["source_type"] == "code" and toy["tags"] == {"mlflow.data.context": "training"}
    assert toy["schema"] and toy["profile"] and toy["digest"]
    assert result["experiments_by_tag"] == ["exp-a"] and result["experiments_by_name"] == ["exp-b"]
    assert result["runs_by_tag"] == ["run-2", "run-1"] and result["runs_by_metric"] == ["run-1", "run-0"]
    assert result["runs_after_delete"] == (["run-2", "run-0"], ["run-1"])
    assert result["runs_after_restore"] == ["run-2", "run-1", "run-0"] and result["restored_runs"] == ["run-2", "run-1"]
    assert result["experiments_after_delete"] == (["exp-a", "exp-c"], ["exp-b"])
    assert result["experiments_after_restore"] == ["exp-a", "exp-b", "exp-c"]
    assert result["experiments_after_rename"] == ["exp-renamed"] and result["bad_filter"] == "INVALID_PARAMETER_VALUE"


FLOWS = [
    (tracking_quickstart, check_tracking_quickstart),
    (autolog_grid_search, check_autolog_grid_search),
    (model_registry, check_model_registry),
    (datasets_and_search, check_datasets_and_search),
]


def test_mlflow_documentation_flows_give_the_same_results_on_keel_and_mlflow_server(both, subtests):
    """One live Keel for every flow (starting one costs most of this test's time); each flow is its own subtest."""
    for flow, check in FLOWS:
        with subtests.test(flow=flow.__name__):
            check(both(flow))
