"""ONNX Runtime against scikit-learn on 10,000 generated rows per model kind of the trained-elsewhere matrix.

    uv run python bench/onnx_parity.py [--rows 10000] [kind ...]

For each kind: the engine registration chooses (registry/engine.py, on its own 2,000 rows), then, for kinds served
by ONNX Runtime, the parity of the served path on ``--rows`` fresh generated rows plus rows at the trees' split
thresholds (and one double either side). Prints one JSON line per kind.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

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

    warnings.simplefilter("ignore")
    for kind in args.kinds or sorted(CASES):
        load, build = CASES[kind]
        X, y = load()
        model = build().fit(X, y)
        pipeline = model if isinstance(model, Pipeline) else Pipeline([("model", model)])
        example = _records(X.head(3))
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
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
