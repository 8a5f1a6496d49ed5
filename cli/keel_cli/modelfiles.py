"""Turn a model on the user's machine into skops bytes and an input example, for `keel models upload`.

Loading a pickle or joblib file runs code from the file. That is why it happens here, in the user's own process and
under their own trust (they trained or chose the file), and never on a Keel server, which accepts skops only. A
.skops file is sent as it is (the server checks it against its trusted-type list); an MLflow model folder is read
from its MLmodel file. scikit-learn, skops, joblib and pandas are imported only when a model is read, so the rest of
the CLI works without them.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from keel_cli.api import KeelError

MAX_EXAMPLE_ROWS = 100  # the server's limit for an input example
PICKLE_SUFFIXES = {".pkl", ".pickle", ".joblib"}


@dataclass(frozen=True)
class Prepared:
    """What is uploaded: skops bytes, how they were made, and the example found next to the model (if any)."""

    skops: bytes
    origin: str  # e.g. "skops file", "pickle file, converted to skops here"
    model: Any  # the loaded estimator when it was loaded here (pickles), else None
    example: list[dict[str, Any]] | None = None


def user_error(message: str) -> KeelError:
    """A one-line message and exit code 2: the input is wrong, not the server."""
    return KeelError(" ".join(message.split()), exit_code=2)


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text[:300]}"


def _modules() -> tuple[Any, Any, Any]:
    try:
        import joblib
        import pandas as pd
        import skops.io as sio
    except ImportError as exc:
        raise user_error(
            f"`keel models upload` needs scikit-learn, skops and pandas where the model was trained ({exc.name} is "
            "missing): pip install scikit-learn skops pandas"
        ) from None
    return joblib, pd, sio


def _is_skops(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "schema.json" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _skops_file(path: Path) -> bytes:
    data = path.read_bytes()
    if not _is_skops(data):
        raise user_error(f"{path}: not a skops file (a zip archive holding schema.json)")
    return data


def _load_pickle(path: Path) -> Any:
    """The object in a pickle/joblib file (joblib.load reads plain pickles too). Runs the file's code: user's trust."""
    joblib, _, _ = _modules()
    try:
        model = joblib.load(path)
    except Exception as exc:
        raise user_error(f"{path}: cannot be loaded as a pickle/joblib file ({_short(exc)})") from None
    if not callable(getattr(model, "predict", None)):
        raise user_error(f"{path} holds a {type(model).__name__}, not a model (it has no predict method)")
    return model


def _to_skops(model: Any, path: Path) -> bytes:
    _, _, sio = _modules()
    try:
        data: bytes = sio.dumps(model, compression=zipfile.ZIP_DEFLATED)
    except Exception as exc:
        raise user_error(f"{path}: the model cannot be saved as skops ({_short(exc)})") from None
    return data


def _mlflow_folder(folder: Path) -> Prepared:
    mlmodel_path = folder / "MLmodel"
    if not mlmodel_path.is_file():
        raise user_error(f"{folder}: not an MLflow model folder (no MLmodel file)")
    try:
        mlmodel = yaml.safe_load(mlmodel_path.read_text())
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise user_error(f"{mlmodel_path}: not valid YAML ({_short(exc)})") from None
    flavor = (mlmodel.get("flavors") or {}).get("sklearn") if isinstance(mlmodel, dict) else None
    if not isinstance(flavor, dict):
        raise user_error(f"{folder}: only MLflow models of the sklearn flavor can be uploaded")
    fmt = str(flavor.get("serialization_format") or "cloudpickle")
    model_file = folder / str(flavor.get("pickled_model") or ("model.skops" if fmt == "skops" else "model.pkl"))
    if not model_file.is_file():
        raise user_error(f"{folder}: MLmodel names {model_file.name}, which is missing")
    example = _mlflow_example(folder, mlmodel)
    if fmt == "skops":
        return Prepared(_skops_file(model_file), "MLflow model (skops)", None, example)
    if fmt not in ("pickle", "cloudpickle"):
        raise user_error(f"{folder}: unknown serialization_format {fmt!r} in MLmodel")
    model = _load_pickle(model_file)
    return Prepared(_to_skops(model, model_file), f"MLflow model ({fmt}), converted to skops here", model, example)


def _mlflow_example(folder: Path, mlmodel: dict[str, Any]) -> list[dict[str, Any]] | None:
    info = mlmodel.get("saved_input_example_info")
    name = info.get("artifact_path") if isinstance(info, dict) else None
    if not name or not (folder / str(name)).is_file():
        return None
    return read_example(folder / str(name))


def prepare(path: Path) -> Prepared:
    """The upload for ``path``: a .skops file, a .pkl/.pickle/.joblib file or an MLflow model folder."""
    if not path.exists():
        raise user_error(f"{path}: no such file or folder")
    if path.is_dir():
        return _mlflow_folder(path)
    suffix = path.suffix.lower()
    if suffix == ".skops":
        return Prepared(_skops_file(path), "skops file", None)
    if suffix in PICKLE_SUFFIXES:
        model = _load_pickle(path)
        kind = "joblib" if suffix == ".joblib" else "pickle"
        return Prepared(_to_skops(model, path), f"{kind} file, converted to skops here", model)
    raise user_error(f"{path}: unsupported file; give a .skops, .pkl or .joblib file, or an MLflow model folder")


def _rows_from_json(data: Any) -> Any:
    """A list of row objects from the shapes notebooks and MLflow write: records, {"columns", "data"} (split),
    {"inputs": [...]} and MLflow's serving payloads {"dataframe_split"|"dataframe_records": ...}."""
    if isinstance(data, dict):
        for key in ("dataframe_split", "dataframe_records", "inputs"):
            if key in data:
                return _rows_from_json(data[key])
        if isinstance(data.get("columns"), list) and isinstance(data.get("data"), list):
            columns = [str(c) for c in data["columns"]]
            return [dict(zip(columns, row, strict=False)) for row in data["data"] if isinstance(row, list)]
        return [data]
    return data


def read_example(path: Path) -> list[dict[str, Any]]:
    """Rows of an input example: a CSV file (header row), or JSON (a list of row objects or MLflow's split form)."""
    if not path.is_file():
        raise user_error(f"{path}: no such file")
    if path.suffix.lower() == ".csv":
        _, pd, _ = _modules()
        try:
            frame = pd.read_csv(path, nrows=MAX_EXAMPLE_ROWS)
        except Exception as exc:
            raise user_error(f"{path}: not a readable CSV file ({_short(exc)})") from None
        rows = json.loads(frame.to_json(orient="records"))
    else:
        try:
            rows = _rows_from_json(json.loads(path.read_text()))
        except (ValueError, UnicodeDecodeError) as exc:
            raise user_error(f"{path}: not valid JSON ({_short(exc)})") from None
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) and r for r in rows):
        raise user_error(f"{path}: expected rows with named columns (a CSV with a header, or a JSON list of objects)")
    if any(set(row) != set(rows[0]) for row in rows):
        raise user_error(f"{path}: every row needs the same columns")
    return rows[:MAX_EXAMPLE_ROWS]


def smoke_predict(model: Any, rows: list[dict[str, Any]], source: str) -> None:
    """The loaded model predicts on the example here first, so a mismatch is reported before any upload."""
    _, pd, _ = _modules()
    try:
        model.predict(pd.DataFrame(rows))
    except Exception as exc:
        raise user_error(f"the model cannot predict on {source} ({_short(exc)})") from None
