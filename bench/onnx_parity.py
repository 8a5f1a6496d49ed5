"""ONNX Runtime against scikit-learn on 10,000 generated rows per model kind of the trained-elsewhere matrix.

    uv run python bench/onnx_parity.py [--rows 10000] [kind ...]

Kinds: the trained-elsewhere matrix (tests/registry/test_models_trained_elsewhere.py) and histogram gradient boosting
fitted on data with 15 % of its values missing (``hist_gradient_boosting_gaps_*``: binary, multiclass, regressor).
For each kind: the engine registration chooses (registry/engine.py, on its own 2,000 rows), then, for kinds served
by ONNX Runtime, the parity of the served path on ``--rows`` fresh generated rows plus rows at the trees' split
thresholds (bin edges for histogram gradient boosting) and one double either side (``parity``), and on ``--rows``
generated rows with 20 % of their values missing, answered as serving answers them (``missing_values`` says which
engine takes rows with a gap; ``parity_missing``). Prints one JSON line per kind.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("kinds", nargs="*")
    args = parser.parse_args()
    import django

    django.setup()
    from sklearn.pipeline import Pipeline

    from registry import engine
    from registry.services.uploads import signature_from_example
    from tests.registry.test_models_trained_elsewhere import CASES, _records

    cases = CASES | gaps_cases()
    warnings.simplefilter("ignore")
    for kind in args.kinds or sorted(cases):
        load, build = cases[kind]
        X, y = load()
        model = build().fit(X, y)
        pipeline = model if isinstance(model, Pipeline) else Pipeline([("model", model)])
        example = [{k: (None if v != v else v) for k, v in row.items()} for row in _records(X.head(3))]
        task = "regression" if not hasattr(model, "classes_") else "classification"
        signature = signature_from_example(example, task, pipeline)
        started = time.perf_counter()
        choice = engine.choose_engine(pipeline, signature, example)
        line = {"kind": kind, "engine": choice.capabilities["engine"], "registration_s": time.perf_counter() - started}
        if choice.onnx is None:
            line["reason"] = choice.capabilities["reason"]
        else:
            served = engine.OnnxEngine(choice.onnx, pipeline, signature)
            rows = engine.generated_rows(pipeline, signature, example, args.rows, seed=11)
            rows += engine.threshold_rows(pipeline, signature, example, limit=3000)
            line["parity"] = engine.parity(served, rows)
            line["missing_values"] = choice.capabilities["missing_values"]
            gaps = engine.OnnxEngine(
                choice.onnx, pipeline, signature, missing_to_sklearn=line["missing_values"] != "onnxruntime"
            )
            rows = engine.generated_rows(pipeline, signature, example, args.rows, missing=0.2, seed=12)
            try:
                line["parity_missing"] = engine.parity(gaps, rows)
            except ValueError as exc:  # an estimator that refuses missing values refuses them on both engines
                line["parity_missing"] = f"{type(exc).__name__}: {str(exc)[:120]}"
        print(json.dumps(line), flush=True)


def gaps_cases() -> dict[str, tuple[Any, Any]]:
    """Histogram gradient boosting fitted on data with 15 % of its values missing."""
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    from tests.registry.test_models_trained_elsewhere import cancer, diabetes, iris

    def gaps(load: Any) -> Any:
        def loaded() -> Any:
            X, y = load()
            return X.mask(np.random.default_rng(8).random(X.shape) < 0.15), y

        return loaded

    classifier = lambda: HistGradientBoostingClassifier(max_iter=25, random_state=0)  # noqa: E731
    return {
        "hist_gradient_boosting_gaps_binary": (gaps(cancer), classifier),
        "hist_gradient_boosting_gaps_multiclass": (gaps(iris), classifier),
        "hist_gradient_boosting_gaps_regressor": (
            gaps(diabetes),
            lambda: HistGradientBoostingRegressor(max_iter=25, random_state=0),
        ),
    }


if __name__ == "__main__":
    main()
