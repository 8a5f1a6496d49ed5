"""Load an uploaded model in a separate, short-lived process and make a smoke prediction on its input example.

Run as ``python -m registry.model_check FORMAT MODEL_PATH EXAMPLE_JSON_PATH``; prints one JSON line
``{"ok": bool, "n": rows predicted, "error": str | None}``. Pickle and joblib files run code when loaded, so they
are never loaded in the web or worker process, only here (and the result of loading is discarded).
No Django imports.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def _load(fmt: str, path: str) -> Any:
    if fmt == "joblib":
        import joblib

        return joblib.load(path)
    if fmt == "pickle":
        import pickle

        with open(path, "rb") as handle:
            return pickle.load(handle)  # noqa: S301 - isolated process by design
    raise ValueError(f"unknown format {fmt!r}")


def check(fmt: str, model_path: str, example_path: str) -> dict[str, Any]:
    import pandas as pd

    with open(example_path) as handle:
        rows = json.load(handle)
    model = _load(fmt, model_path)
    if not hasattr(model, "predict"):
        return {"ok": False, "n": 0, "error": f"the loaded object ({type(model).__name__}) has no predict()"}
    predictions = model.predict(pd.DataFrame(rows))
    if len(predictions) != len(rows):
        return {"ok": False, "n": len(predictions), "error": "predict() returned the wrong number of rows"}
    return {"ok": True, "n": len(rows), "error": None}


def main() -> None:
    fmt, model_path, example_path = sys.argv[1:4]
    try:
        result = check(fmt, model_path, example_path)
    except Exception as exc:  # report any failure to the parent as data
        result = {"ok": False, "n": 0, "error": f"{type(exc).__name__}: {exc}"[:2000]}
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
