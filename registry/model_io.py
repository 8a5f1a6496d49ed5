"""Saving and loading fitted pipelines with skops, trusting only an explicit allow-list of types (pure: no Django).

``load_pipeline`` asks skops which types in the file are not trusted by default, and trusts them only if every one
is on ``TRUSTED_TYPES`` (the sklearn, numpy and scipy internals Keel's pipelines are made of, plus Keel's own
preprocessing functions); anything else is refused with ``UntrustedModelError``, before any object is built.

Nothing here unpickles. ``require_skops`` tells a skops archive from anything else by its content (a pickle or a
joblib file is recognised by its protocol header or opcodes, also inside joblib's compression), so a pickle is
refused whatever its name or declared format; ``CONVERT_PICKLE`` is the next step a refusal gives the user.
"""

from __future__ import annotations

import bz2
import io
import lzma
import pickletools
import zipfile
import zlib
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
        # fitted state of calibrated, neural-network and stacked models: plain data holders, no callables
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
        "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
        "sklearn.neural_network._stochastic_optimizers.SGDOptimizer",
        "sklearn.utils._bunch.Bunch",
        "training.trainers.pipeline.to_category_strings",
        "training.trainers.pipeline.datetime_parts",
        "training.trainers.pipeline.datetime_part_names",
        *(f"sklearn.metrics._dist_metrics.{name}Distance64" for name in _DISTANCES),
    }
)


class UntrustedModelError(ValueError):
    """The serialized pipeline holds types outside the allow-list, or is not a pipeline."""


class NotSkopsError(UntrustedModelError):
    """The bytes are not a skops archive (``is_pickle`` says whether they are a pickle or joblib file)."""

    def __init__(self, message: str, *, is_pickle: bool) -> None:
        super().__init__(message)
        self.is_pickle = is_pickle


CONVERT_PICKLE = (
    "Keel never unpickles on the server (loading a pickle runs its code). Convert the model to skops on your own "
    "machine: `keel models upload model.pkl --input-example example.csv` loads it there and uploads skops "
    "(or save it with skops.io.dump(model, 'model.skops'))."
)

_PICKLE_SCAN_BYTES = 16 * 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"


def _decompressed_head(data: bytes) -> bytes | None:
    """The first bytes of ``data`` decompressed, when it starts like a zlib/gzip/bz2/xz/lzma stream (joblib's
    ``compress=``), else None."""
    try:
        if data[:2] == b"\x1f\x8b":
            return zlib.decompressobj(wbits=31).decompress(data[:65536], 64)
        if data[:2] in (b"x\x01", b"x^", b"x\x9c", b"x\xda"):
            return zlib.decompressobj().decompress(data[:65536], 64)
        if data[:3] == b"BZh":
            return bz2.BZ2Decompressor().decompress(data[:65536], 64)
        if data[:6] == b"\xfd7zXZ\x00" or data[:3] == b"\x5d\x00\x00":
            return lzma.LZMADecompressor().decompress(data[:65536], 64)
    except (OSError, EOFError, ValueError, zlib.error, lzma.LZMAError):
        return None
    return None


def is_pickle(data: bytes) -> bool:
    """Whether ``data`` is a pickle (any protocol) or a joblib file, judged by its content without loading it.

    Protocol 2+ starts with PROTO (``\\x80`` and the protocol number); protocols 0/1 are recognised by parsing the
    opcodes (``pickletools.genops`` reads, never executes) up to STOP; joblib's compressed files are opened first."""
    if len(data) >= 2 and data[0] == 0x80 and 2 <= data[1] <= 5:
        return True
    head = _decompressed_head(data)
    if head is not None:
        return len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5
    if data.startswith(_ZIP_MAGIC) or not data:
        return False
    try:
        opcodes = [op.name for op, _, _ in pickletools.genops(io.BytesIO(data[:_PICKLE_SCAN_BYTES]))]
    except (ValueError, UnicodeDecodeError, EOFError):
        return False
    return len(opcodes) >= 2 and opcodes[-1] == "STOP"


def require_skops(data: bytes) -> None:
    """Raise ``NotSkopsError`` unless ``data`` is a skops archive (a zip holding skops' schema.json)."""
    if is_pickle(data):
        raise NotSkopsError("this is a pickle/joblib file, not skops", is_pickle=True)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "schema.json" in archive.namelist():
                return
    except (zipfile.BadZipFile, ValueError, OSError):
        pass
    raise NotSkopsError("not a skops file (a zip archive holding schema.json)", is_pickle=False)


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
