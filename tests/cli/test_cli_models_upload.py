"""`keel models upload`: a notebook-trained Pipeline as .skops, .pkl, .joblib and an MLflow model folder, registered
on a live Keel (pickles are loaded here, on the user's side, and only skops bytes travel); bad input exits 2."""

from __future__ import annotations

import io
import json
import pickle
from pathlib import Path

import joblib
import mlflow.sklearn
import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from registry.models import ModelVersion
from registry.services.models import model_version_load
from tests.cli.helpers import keel, ok_json

pytestmark = pytest.mark.integration


def _notebook_model() -> tuple[Pipeline, pd.DataFrame]:
    """What a data scientist fits in a notebook: numbers scaled, a category one-hot encoded, a classifier."""
    rng = np.random.default_rng(0)
    x = pd.DataFrame(
        {
            "income": rng.normal(50, 10, 200).round(2),
            "age": rng.integers(18, 80, 200),
            "plan": rng.choice(["basic", "plus", "pro"], 200),
        }
    )
    y = ((x["income"] > 50) ^ (x["plan"] == "pro")).astype(int)
    prep = ColumnTransformer(
        [("num", StandardScaler(), ["income", "age"]), ("cat", OneHotEncoder(handle_unknown="ignore"), ["plan"])]
    )
    return Pipeline([("prep", prep), ("clf", LogisticRegression(max_iter=500))]).fit(x, y), x


def _model_files(pipeline: Pipeline, x: pd.DataFrame, folder: Path) -> dict[str, Path]:
    folder.mkdir()
    files = {"skops": folder / "churn.skops", "pkl": folder / "churn.pkl", "joblib": folder / "churn.joblib"}
    sio.dump(pipeline, files["skops"])
    files["pkl"].write_bytes(pickle.dumps(pipeline))
    joblib.dump(pipeline, files["joblib"], compress=3)
    for fmt in ("cloudpickle", "skops"):
        path = folder / f"mlflow-{fmt}"
        mlflow.sklearn.save_model(
            pipeline, path, serialization_format=fmt, input_example=x.head(5), pip_requirements=["scikit-learn"]
        )
        files[f"mlflow-{fmt}"] = path
    return files


def test_upload_registers_skops_pickle_joblib_and_mlflow_models(live_keel, tmp_path):
    live = live_keel
    env = {"KEEL_URL": live.url, "KEEL_TOKEN": live.token, "KEEL_PROJECT": "byom"}
    home = tmp_path / "config"
    assert ok_json(keel("projects", "create", "byom", "--name", "BYOM", "--json", env=env, config_home=home))
    pipeline, x = _notebook_model()
    files = _model_files(pipeline, x, tmp_path / "models")
    csv_example, json_example = tmp_path / "example.csv", tmp_path / "example.json"
    x.head(10).to_csv(csv_example, index=False)
    json_example.write_text(x.head(10).to_json(orient="records"))

    cases = [
        ("skops", files["skops"], ["--input-example", str(csv_example)]),
        ("pkl", files["pkl"], ["--input-example", str(json_example)]),
        ("joblib", files["joblib"], ["--input-example", str(csv_example)]),
        ("mlflow-cloudpickle", files["mlflow-cloudpickle"], []),  # the example comes from the folder
        ("mlflow-skops", files["mlflow-skops"], []),
    ]
    for name, path, extra in cases:
        shown = keel("models", "upload", str(path), "--name", name, *extra, env=env, config_home=home)
        assert shown.exit_code == 0, (name, shown.stdout, shown.stderr)
        assert f"{name} v1" in shown.stdout and "pending" in shown.stdout
        assert "income" in shown.stdout and "plan" in shown.stdout  # the signature's columns
        version = ModelVersion.objects.get(registered_model__project__slug="byom", registered_model__name=name)
        assert version.artifact_format == "skops" and version.source == "upload"
        assert [f["name"] for f in version.signature["inputs"]] == ["income", "age", "plan"]
        assert {f["name"]: f["kind"] for f in version.signature["inputs"]}["plan"] == "categorical"
        # the stored artifact is skops, loads through the server's allow-list and predicts as the notebook did
        assert sio.get_untrusted_types(data=Path(version_path(version)).read_bytes()) == []
        np.testing.assert_array_equal(model_version_load(version).predict(x), pipeline.predict(x))

    second = ok_json(
        keel(
            "models",
            "upload",
            str(files["pkl"]),
            "--name",
            "pkl",
            "--input-example",
            str(csv_example),
            "--json",
            env=env,
            config_home=home,
        )
    )
    assert second["version"] == 2 and second["artifact_format"] == "skops"


def version_path(version: ModelVersion) -> Path:
    from django.conf import settings

    sha = version.artifact_sha256
    return Path(settings.ARTIFACT_ROOT) / "blobs" / sha[:2] / sha[2:4] / sha


def _bad_inputs(tmp_path: Path) -> list[tuple[list[str], str]]:
    pipeline, x = _notebook_model()
    model = tmp_path / "m.pkl"
    model.write_bytes(pickle.dumps(pipeline))
    not_a_model = tmp_path / "dict.pkl"
    not_a_model.write_bytes(pickle.dumps({"weights": [1, 2, 3]}))
    garbage = tmp_path / "garbage.joblib"
    garbage.write_bytes(b"this is not a pickle")
    fake_skops = tmp_path / "fake.skops"
    fake_skops.write_bytes(b"not a zip")
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    no_mlmodel = tmp_path / "folder"
    no_mlmodel.mkdir()
    example = tmp_path / "ok.csv"
    x.head(3).to_csv(example, index=False)
    broken_json = tmp_path / "broken.json"
    broken_json.write_text("{not json")
    not_rows = tmp_path / "rows.json"
    not_rows.write_text(json.dumps([1, 2, 3]))
    empty_csv = tmp_path / "empty.csv"
    empty_csv.write_text("")
    wrong_columns = tmp_path / "wrong.csv"
    wrong_columns.write_text("foo,bar\n1,2\n")
    buffer = io.BytesIO()
    joblib.dump(pipeline, buffer)
    return [
        ([str(tmp_path / "missing.pkl"), "--input-example", str(example)], "missing.pkl"),
        ([str(not_a_model), "--input-example", str(example)], "dict"),
        ([str(garbage), "--input-example", str(example)], "garbage.joblib"),
        ([str(fake_skops), "--input-example", str(example)], "fake.skops"),
        ([str(text), "--input-example", str(example)], "notes.txt"),
        ([str(no_mlmodel), "--input-example", str(example)], "MLmodel"),
        ([str(model)], "--input-example"),
        ([str(model), "--input-example", str(tmp_path / "nope.csv")], "nope.csv"),
        ([str(model), "--input-example", str(broken_json)], "broken.json"),
        ([str(model), "--input-example", str(not_rows)], "rows.json"),
        ([str(model), "--input-example", str(empty_csv)], "empty.csv"),
        ([str(model), "--input-example", str(wrong_columns)], "wrong.csv"),
    ]


def test_upload_user_errors_exit_2_with_one_line_and_no_traceback(tmp_path):
    # nothing listens on this address: every one of these is refused before any request is made
    env = {"KEEL_URL": "http://127.0.0.1:9", "KEEL_TOKEN": "keel_unused", "KEEL_PROJECT": "p"}
    for args, mentioned in _bad_inputs(tmp_path):
        result = keel("models", "upload", *args, env=env, config_home=tmp_path / "config")
        assert result.exit_code == 2, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stdout + result.stderr
        message = result.stderr.strip()
        assert message and "\n" not in message, (args, message)
        assert mentioned in message, (args, message)
