"""Exports of a model version outside Keel (pure: no Django).

- :mod:`registry.exports.onnx`: ``convert_to_onnx``, ``onnx_parity`` against scikit-learn, ``onnx_predict``.
- :mod:`registry.exports.bundle`: ``build_bundle``, a deterministic tar.gz with the skops model, its signature, a
  stdlib HTTP server, a Dockerfile and pinned requirements.
"""

from registry.exports.bundle import BundleError, build_bundle, current_requirements
from registry.exports.onnx import OnnxExportError, OnnxInputError, convert_to_onnx, onnx_parity, onnx_predict

__all__ = [
    "BundleError",
    "OnnxExportError",
    "OnnxInputError",
    "build_bundle",
    "convert_to_onnx",
    "current_requirements",
    "onnx_parity",
    "onnx_predict",
]
