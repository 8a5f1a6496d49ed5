from __future__ import annotations

import io

import pandas as pd
from django.core.files.uploadedfile import SimpleUploadedFile


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def iris_like(n: int = 120, seed: int = 0) -> pd.DataFrame:
    import numpy as np

    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "id": np.arange(n),
            "sepal": rng.normal(5.8, 0.8, n).round(3),
            "petal": rng.normal(3.7, 1.7, n).round(3),
            "count": rng.integers(0, 10, n),
            "color": rng.choice(["red", "green", "blue"], n),
            "target": rng.choice(["a", "b"], n),
        }
    )


def upload(client, slug: str, name: str, data: bytes, filename: str = "data.csv", **extra):
    body = {"file": SimpleUploadedFile(filename, data), **extra}
    return client.post(f"/api/v1/projects/{slug}/datasets/{name}/versions/", body, format="multipart")


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()
