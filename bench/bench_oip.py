"""Benchmark: what the Open Inference Protocol (v2) layer adds to Keel's predict path, per request.

The v2 infer view runs the same ``serving.inference.predict`` as ``…/predict``; on top it decodes tensors into
Keel's columnar rows and encodes the outputs as tensors (one extra query resolves the project when the request has
no ``X-Keel-Project`` header; that is counted in tests, not timed here). This script times that translation in
process on the 30 breast-cancer features, for request bodies built by tritonclient itself, against parsing Keel's
own JSON body of the same rows (``json.loads``, which ``…/predict`` pays too).

Run by hand: ``uv run python bench/bench_oip.py``
"""

from __future__ import annotations

import json
import sys
import timeit
from pathlib import Path
from typing import Any

import numpy as np
import tritonclient.http as httpclient
from sklearn.datasets import load_breast_cancer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from interop.oip import tensors


def frame(rows: int) -> Any:
    data = load_breast_cancer(as_frame=True).frame.drop(columns=["target"])
    data.columns = [str(c).replace(" ", "_") for c in data.columns]
    return data.iloc[:rows]


def bodies(rows: int) -> dict[str, tuple[bytes, int | None]]:
    data = frame(rows)
    out: dict[str, tuple[bytes, int | None]] = {}
    for binary in (False, True):
        columns = []
        for name in data.columns:
            tensor = httpclient.InferInput(name, [rows], "FP64")
            tensor.set_data_from_numpy(data[name].to_numpy(dtype=np.float64), binary_data=binary)
            columns.append(tensor)
        out[f"per feature, {'binary' if binary else 'JSON'}"] = httpclient.InferenceServerClient.generate_request_body(
            columns
        )
        matrix = httpclient.InferInput("input", [rows, len(data.columns)], "FP64")
        matrix.set_data_from_numpy(data.to_numpy(dtype=np.float64), binary_data=binary)
        out[f"[N, 30] tensor, {'binary' if binary else 'JSON'}"] = (
            httpclient.InferenceServerClient.generate_request_body([matrix])
        )
    return out


def translate(body: bytes, json_size: int | None, features: list[str], result: dict[str, Any]) -> None:
    header, raw = tensors.split_body(body, None if json_size is None else str(json_size))
    decoded = tensors.decode_inputs(json.loads(header), raw, features)
    assert len(decoded.data) == len(result["predictions"])
    n = len(result["predictions"])
    outputs = [
        tensors.output_tensor("predictions", "INT64", [n], result["predictions"]),
        tensors.output_tensor("probabilities", "FP64", [n, 2], [p for row in result["probabilities"] for p in row]),
        tensors.output_tensor("prediction_ids", "BYTES", [n], result["prediction_ids"]),
    ]
    blobs = [tensors.to_binary(t) for t in outputs] if json_size is not None else []
    json.dumps({"outputs": outputs}).encode() + b"".join(blobs)


def best_us(fn: Any, number: int) -> float:
    return min(timeit.repeat(fn, number=number, repeat=5)) / number * 1e6


def main() -> None:
    print("| rows | request | Keel JSON parse µs | v2 translation µs (decode + encode) |")
    print("|---:|---|---:|---:|")
    for rows in (1, 100):
        data = frame(rows)
        features = list(data.columns)
        keel_body = json.dumps({"inputs": data.to_dict(orient="records")}).encode()
        result = {
            "predictions": [0] * rows,
            "probabilities": [[0.25, 0.75]] * rows,
            "prediction_ids": ["6f1c7c5e-8a86-4a43-9a53-5b1f4ad1a0c2"] * rows,
        }
        number = 2000 if rows == 1 else 100
        parse = best_us(lambda b=keel_body: json.loads(b), number)
        for label, (body, size) in bodies(rows).items():
            cost = best_us(lambda b=body, s=size, f=features, r=result: translate(b, s, f, r), number)
            print(f"| {rows} | {label} | {parse:.0f} | {cost:.0f} |")


if __name__ == "__main__":
    main()
