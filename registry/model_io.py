"""Saving and loading fitted pipelines with skops, trusting only an explicit allow-list of types (pure: no Django).

``load_pipeline`` asks skops which types in the file are not trusted by default, and trusts them only if every one
is on ``TRUSTED_TYPES`` (the sklearn, numpy and scipy internals Keel's pipelines are made of, plus Keel's own
preprocessing functions); anything else is refused with ``UntrustedModelError``, before any object is built.
"""

from __future__ import annotations

import zipfile
from typing import Any

import skops.io as sio
from sklearn.pipeline import Pipeline

# Every distance of sklearn.metrics._dist_metrics except PyFuncDistance64, which wraps an arbitrary callable.
_DISTANCES = (
    "BrayCurtis",
    "Canberra",
    "Chebyshev",
    "Dice",
    "Euclidean",
    "Hamming",
    "Haversine",
    "Jaccard",
    "Kulsinski",
    "Mahalanobis",
    "Manhattan",
    "Matching",
    "Minkowski",
    "RogersTanimoto",
    "RussellRao",
    "SEuclidean",
    "SokalMichener",
    "SokalSneath",
)

TRUSTED_TYPES: frozenset[str] = frozenset(
    {
        "numpy.dtype",
        "sklearn.tree._tree.Tree",
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
        "sklearn.neighbors._ball_tree.BallTree",
        "sklearn.neighbors._kd_tree.KDTree",
        "training.trainers.pipeline.to_category_strings",
        "training.trainers.pipeline.datetime_parts",
        "training.trainers.pipeline.datetime_part_names",
        *(f"sklearn.metrics._dist_metrics.{name}Distance64" for name in _DISTANCES),
    }
)


class UntrustedModelError(ValueError):
    """The serialized pipeline holds types outside the allow-list, or is not a pipeline."""


def save_pipeline(pipeline: Pipeline) -> bytes:
    """The pipeline as skops bytes (zip, deflated)."""
    return sio.dumps(pipeline, compression=zipfile.ZIP_DEFLATED)


def load_pipeline(data: bytes) -> Pipeline:
    """A pipeline saved by ``save_pipeline``; refuses types outside ``TRUSTED_TYPES``."""
    found = sio.get_untrusted_types(data=data)
    refused = sorted(set(found) - TRUSTED_TYPES)
    if refused:
        raise UntrustedModelError(f"refusing to load untrusted types: {', '.join(refused)}")
    loaded: Any = sio.loads(data, trusted=found)
    if not isinstance(loaded, Pipeline):
        raise UntrustedModelError(f"expected a sklearn Pipeline, got {type(loaded).__name__}")
    return loaded


def as_pipeline(data: bytes) -> bytes:
    """skops bytes of a Pipeline: ``data`` itself when it holds one, else the single estimator it holds wrapped
    as ``Pipeline([("model", estimator)])`` (MLflow logs bare estimators). Same allow-list as ``load_pipeline``."""
    found = sio.get_untrusted_types(data=data)
    refused = sorted(set(found) - TRUSTED_TYPES)
    if refused:
        raise UntrustedModelError(f"refusing to load untrusted types: {', '.join(refused)}")
    loaded: Any = sio.loads(data, trusted=found)
    if isinstance(loaded, Pipeline):
        return data
    if not callable(getattr(loaded, "predict", None)):
        raise UntrustedModelError(f"expected a sklearn estimator or Pipeline, got {type(loaded).__name__}")
    return save_pipeline(Pipeline([("model", loaded)]))
