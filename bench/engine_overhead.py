"""What one warm single-row prediction costs inside the serving engine, and how much of it is ONNX Runtime itself.

    uv run python bench/engine_overhead.py [--calls 5000] [--repeats 7]

For a plain ``Pipeline(StandardScaler, LogisticRegression)`` and for Keel's own trained pipeline (imputer, scaler,
logistic regression; built as ``bench/bench_serving.py``'s ``keel`` kind), both on the 30 breast-cancer features,
the engine is chosen as at registration (registry/engine.py), then each of these is timed on one row, in process:

- ``run_model``: what serving calls per request (serving/inference.py: the engine's predict and the JSON-ready
  answer);
- ``engine.predict``: the ONNX engine alone (input feeds, ``InferenceSession.run``, labels from probabilities);
- ``feeds``: building the input tensors; ``session.run``: ONNX Runtime on prebuilt feeds;
- ``numpy``: the same arithmetic written in numpy (the exact alternative for a linear model), for comparison;
- ``sklearn``: scikit-learn's ``predict_proba`` on a one-row DataFrame, as the fallback engine answers.

Prints CPU microseconds per call (the fastest of ``--repeats`` runs of ``--calls`` calls) as one JSON line per
model.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def per_call_us(fn: Callable[[], Any], calls: int, repeats: int) -> float:
    """CPU microseconds per call: the fastest of ``repeats`` runs (on a shared machine the others lost time to
    contention, not to the code)."""
    for _ in range(min(calls, 500)):
        fn()
    runs = []
    for _ in range(repeats):
        started = time.process_time()
        for _ in range(calls):
            fn()
        runs.append((time.process_time() - started) * 1e6 / calls)
    return round(min(runs), 2)


def models() -> dict[str, tuple[Any, dict[str, Any], list[dict[str, Any]]]]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    from bench.bench_serving import cancer_frame, fit
    from registry.services.uploads import signature_from_example

    frame = cancer_frame()
    X, y = frame.drop(columns=["target"]), frame["target"]
    rows = [{k: float(v) for k, v in row.items()} for row in X.to_dict(orient="records")]
    lr = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=1000))]).fit(X, y)
    keel = fit(frame, 1.0)
    return {
        "lr": (lr, signature_from_example(rows[:3], "classification", lr), rows),
        "keel": (keel.pipeline, keel.signature, rows),
    }


def numpy_twin(pipeline: Any, names: list[str]) -> Callable[[dict[str, Any]], Any]:
    """scikit-learn's arithmetic for an (imputer,) scaler, logistic regression pipeline, on one row, in numpy."""
    import numpy as np
    from scipy.special import expit

    steps = [step for _, step in pipeline.steps]
    if hasattr(steps[0], "transformers_"):
        branches = [b for _, b, _ in steps[0].transformers_ if not isinstance(b, str)]
        steps = [s for _, s in branches[0].steps] + steps[1:]
    imputer = next((s for s in steps if type(s).__name__ == "SimpleImputer"), None)
    scaler = next(s for s in steps if type(s).__name__ == "StandardScaler")
    model = steps[-1]
    fill = None if imputer is None else np.asarray(imputer.statistics_)
    mean, scale, coef, intercept = scaler.mean_, scaler.scale_, model.coef_.T, model.intercept_

    def predict(row: dict[str, Any]) -> Any:
        x = np.array([[row[n] for n in names]], dtype=np.float64)
        if fill is not None:
            x = np.where(np.isnan(x), fill, x)
        p = expit((x - mean) / scale @ coef + intercept)
        return np.hstack([1 - p, p])

    return predict


def measure(
    name: str, pipeline: Any, signature: dict[str, Any], rows: list[dict[str, Any]], calls: int, repeats: int
) -> dict[str, Any]:
    import numpy as np

    from registry import engine
    from serving import inference, runtime

    choice = engine.choose_engine(pipeline, signature, rows[:3])
    assert choice.onnx is not None, choice.capabilities
    served = engine.OnnxEngine(choice.onnx, pipeline, signature)
    loaded = runtime.LoadedModel(1, pipeline, 0.0, 0.0, 0, onnx=served)
    row = [dict(rows[0])]
    feeds = served._feeds(row)
    twin = numpy_twin(pipeline, [s["name"] for s in signature["inputs"]])
    return {
        "model": name,
        "engine": choice.capabilities["engine"],
        "run_model_us": per_call_us(lambda: inference.run_model(loaded, row, signature), calls, repeats),
        "engine_predict_us": per_call_us(lambda: served.predict(row), calls, repeats),
        "feeds_us": per_call_us(lambda: served._feeds(row), calls, repeats),
        "session_run_us": per_call_us(lambda: served.session.run(served.outputs, feeds), calls, repeats),
        "numpy_us": per_call_us(lambda: twin(row[0]), calls, repeats),
        "numpy_equals_sklearn_bitwise": bool(
            np.array_equal(twin(row[0]), pipeline.predict_proba(engine.frame(row, signature)))
        ),
        "onnx_equals_sklearn_bitwise": bool(
            np.array_equal(served.predict(row)[1], pipeline.predict_proba(engine.frame(row, signature)))
        ),
        "sklearn_us": per_call_us(
            lambda: engine.sklearn_predict(pipeline, engine.frame(row, signature)), max(1, calls // 20), repeats
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=5_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    import django

    django.setup()
    warnings.simplefilter("ignore")
    for name, (pipeline, signature, rows) in models().items():
        print(json.dumps(measure(name, pipeline, signature, rows, args.calls, args.repeats)), flush=True)


if __name__ == "__main__":
    main()
