"""Open Inference Protocol (v2) tensors <-> Keel's columnar rows. No Django imports.

Inputs come as JSON (``data``, flat or nested, row-major) or, with the binary-data extension, as raw little-endian
bytes after the JSON header (``Inference-Header-Content-Length``, ``parameters.binary_data_size`` per tensor; BYTES
elements are a 4-byte little-endian length followed by the bytes). Two layouts are accepted:

- one tensor per feature, named after the feature, shape ``[N]`` or ``[N, 1]``;
- one 2-D tensor of shape ``[N, F]`` (any name that is not a feature name), columns in signature order.

Every problem raises :class:`TensorError` with a message that names the tensor.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# datatype -> numpy dtype (little-endian, as the binary extension defines it)
NUMPY_TYPES: dict[str, str] = {
    "BOOL": "|b1",
    "INT8": "<i1",
    "INT16": "<i2",
    "INT32": "<i4",
    "INT64": "<i8",
    "UINT8": "<u1",
    "UINT16": "<u2",
    "UINT32": "<u4",
    "UINT64": "<u8",
    "FP16": "<f2",
    "FP32": "<f4",
    "FP64": "<f8",
}
DATATYPES = (*NUMPY_TYPES, "BYTES")

# signature kind -> the datatype a client should send (model metadata)
KIND_DATATYPES = {"numeric": "FP64", "integer": "INT64", "boolean": "BOOL"}


class TensorError(ValueError):
    """A request the protocol layer refuses (400); the message names the tensor."""


@dataclass
class Decoded:
    """Columnar rows for Keel, and how each feature maps back to the tensor it came from (for error messages)."""

    columns: list[str]
    data: list[list[Any]]
    origin: dict[str, str] = field(default_factory=dict)  # feature -> "input tensor 'x'" (or "... column j")


# --- request ------------------------------------------------------------------------------------------------------


def split_body(body: bytes, header_length: str | None) -> tuple[bytes, bytes]:
    """The JSON header and the binary tail of an inference request body."""
    if header_length is None:
        return body, b""
    try:
        size = int(header_length)
    except ValueError:
        raise TensorError("Inference-Header-Content-Length must be an integer") from None
    if size < 0 or size > len(body):
        raise TensorError(f"Inference-Header-Content-Length {size} exceeds the body ({len(body)} bytes)")
    return body[:size], body[size:]


def decode_inputs(request: dict[str, Any], binary: bytes, features: list[str]) -> Decoded:
    """Turn ``request["inputs"]`` into Keel's columnar form (``features``: signature order, for a 2-D tensor)."""
    specs = request.get("inputs")
    if not isinstance(specs, list) or not specs:
        raise TensorError("inputs must be a non-empty list of tensors")
    tensors = _read_tensors(specs, binary)
    if len(tensors) == 1 and tensors[0].name not in features:
        return _from_matrix(tensors[0], features)
    return _from_columns(tensors)


@dataclass
class _Tensor:
    name: str
    datatype: str
    shape: list[int]
    values: list[Any]


def _read_tensors(specs: list[Any], binary: bytes) -> list[_Tensor]:
    tensors, offset, seen = [], 0, set()
    for index, spec in enumerate(specs):
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not spec["name"]:
            raise TensorError(f"inputs[{index}] must be an object with a name")
        name = spec["name"]
        if name in seen:
            raise TensorError(f"input tensor {name!r} is given twice")
        seen.add(name)
        datatype, shape = _header(spec)
        size = (spec.get("parameters") or {}).get("binary_data_size")
        if size is not None:
            if not isinstance(size, int) or size < 0 or offset + size > len(binary):
                raise TensorError(f"input tensor {name!r}: binary_data_size exceeds the binary data sent")
            values = _from_bytes(name, datatype, shape, binary[offset : offset + size])
            offset += size
        else:
            values = _from_json(name, datatype, shape, spec.get("data"))
        tensors.append(_Tensor(name, datatype, shape, values))
    if offset != len(binary):
        raise TensorError(f"{len(binary) - offset} bytes of binary data belong to no input tensor")
    return tensors


def _header(spec: dict[str, Any]) -> tuple[str, list[int]]:
    name, datatype, shape = spec["name"], spec.get("datatype"), spec.get("shape")
    if datatype not in DATATYPES:
        raise TensorError(f"input tensor {name!r}: unknown datatype {datatype!r} (one of {', '.join(DATATYPES)})")
    if (
        not isinstance(shape, list)
        or not shape
        or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape)
    ):
        raise TensorError(f"input tensor {name!r}: shape must be a non-empty list of non-negative integers")
    return datatype, shape


def _count(shape: list[int]) -> int:
    return math.prod(shape)


def _flatten(data: Any) -> list[Any]:
    if not isinstance(data, list):
        return [data]
    out: list[Any] = []
    for item in data:
        out.extend(_flatten(item))
    return out


def _from_json(name: str, datatype: str, shape: list[int], data: Any) -> list[Any]:
    if data is None:
        raise TensorError(f"input tensor {name!r}: data is required (or binary_data_size with binary data)")
    flat = isinstance(data, list) and list not in set(map(type, data))
    values = data if flat else _flatten(data)
    if len(values) != _count(shape):
        raise TensorError(f"input tensor {name!r}: shape {shape} needs {_count(shape)} values, got {len(values)}")
    if set(map(type, values)) <= _JSON_TYPES.get(datatype, {int}) and _in_range(datatype, values):
        return list(map(float, values)) if datatype.startswith("FP") else values  # the common case, at C speed
    return [_json_value(name, datatype, value, i) for i, value in enumerate(values)]  # raises naming the element


def _in_range(datatype: str, values: list[Any]) -> bool:
    """Finite floats, integers the datatype can hold (JSON numbers have any number of digits)."""
    if datatype.startswith("FP"):
        try:
            return all(map(math.isfinite, values))
        except OverflowError:  # an integer beyond float range
            return False
    bounds = _INT_BOUNDS.get(datatype)
    return bounds is None or not values or (bounds[0] <= min(values) and max(values) <= bounds[1])


_INT_BOUNDS = {
    name: (int(np.iinfo(dtype).min), int(np.iinfo(dtype).max))
    for name, dtype in NUMPY_TYPES.items()
    if name.startswith(("INT", "UINT"))
}


_JSON_TYPES: dict[str, set[type]] = {
    "BYTES": {str},
    "BOOL": {bool},
    "FP16": {int, float},
    "FP32": {int, float},
    "FP64": {int, float},
}


def _json_value(name: str, datatype: str, value: Any, index: int) -> Any:
    where = f"input tensor {name!r} element {index}"
    if datatype == "BYTES":
        if not isinstance(value, str):
            raise TensorError(f"{where}: BYTES data must be strings, got {type(value).__name__}")
        return value
    if datatype == "BOOL":
        if not isinstance(value, bool):
            raise TensorError(f"{where}: BOOL data must be true or false, got {type(value).__name__}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TensorError(f"{where}: {datatype} data must be numbers, got {type(value).__name__}")
    if datatype.startswith(("INT", "UINT")):
        if isinstance(value, float):
            raise TensorError(f"{where}: {datatype} data must be integers, got {value!r}")
        low, high = _INT_BOUNDS[datatype]
        if not low <= value <= high:
            raise TensorError(f"{where}: the integer is beyond the range of {datatype} [{low}, {high}]")
        return value
    try:
        number = float(value)
    except OverflowError:
        raise TensorError(f"{where}: the integer is beyond the range of {datatype}") from None
    if not math.isfinite(number):
        raise TensorError(f"{where}: {value} is not a finite number")
    return number


def _from_bytes(name: str, datatype: str, shape: list[int], raw: bytes) -> list[Any]:
    count = _count(shape)
    if datatype == "BYTES":
        return _bytes_elements(name, raw, count)
    dtype = np.dtype(NUMPY_TYPES[datatype])
    if len(raw) != count * dtype.itemsize:
        raise TensorError(
            f"input tensor {name!r}: shape {shape} of {datatype} needs {count * dtype.itemsize} bytes, got {len(raw)}"
        )
    array = np.frombuffer(raw, dtype=dtype)
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        first = int(np.flatnonzero(~np.isfinite(array))[0])
        raise TensorError(f"input tensor {name!r} element {first}: {array[first]} is not a finite number")
    return array.tolist()  # type: ignore[no-any-return]


def _bytes_elements(name: str, raw: bytes, count: int) -> list[str]:
    out, offset = [], 0
    for index in range(count):
        if offset + 4 > len(raw):
            raise TensorError(f"input tensor {name!r}: binary BYTES data ends before element {index}")
        (length,) = struct.unpack_from("<I", raw, offset)
        chunk = raw[offset + 4 : offset + 4 + length]
        if len(chunk) != length:
            raise TensorError(f"input tensor {name!r}: binary BYTES element {index} is truncated")
        try:
            out.append(chunk.decode())
        except UnicodeDecodeError:
            raise TensorError(f"input tensor {name!r}: BYTES element {index} is not UTF-8 text") from None
        offset += 4 + length
    if offset != len(raw):
        raise TensorError(f"input tensor {name!r}: {len(raw) - offset} bytes left over after {count} BYTES elements")
    return out


def _from_columns(tensors: list[_Tensor]) -> Decoded:
    rows = None
    for tensor in tensors:
        if len(tensor.shape) > 2 or (len(tensor.shape) == 2 and tensor.shape[1] != 1):
            raise TensorError(
                f"input tensor {tensor.name!r}: shape {tensor.shape} is not [N] or [N, 1] (one tensor per feature)"
            )
        if rows is None:
            rows = tensor.shape[0]
        elif tensor.shape[0] != rows:
            raise TensorError(f"input tensor {tensor.name!r}: {tensor.shape[0]} rows, other input tensors have {rows}")
    n = rows or 0
    data = [[t.values[i] for t in tensors] for i in range(n)]
    return Decoded([t.name for t in tensors], data, {t.name: f"input tensor {t.name!r}" for t in tensors})


def _from_matrix(tensor: _Tensor, features: list[str]) -> Decoded:
    width = len(features)
    if len(tensor.shape) != 2 or tensor.shape[1] != width:
        raise TensorError(
            f"input tensor {tensor.name!r}: shape {tensor.shape} is not [N, {width}] (the model's {width} features "
            "in signature order), and it is not a feature name"
        )
    data = [tensor.values[i * width : (i + 1) * width] for i in range(tensor.shape[0])]
    origin = {f: f"input tensor {tensor.name!r} column {j} ({f})" for j, f in enumerate(features)}
    return Decoded(list(features), data, origin)


# --- response -----------------------------------------------------------------------------------------------------


def requested_outputs(request: dict[str, Any], available: list[str]) -> list[tuple[str, bool]]:
    """(name, binary) for each output to return: those asked for, else all of them."""
    default_binary = bool((request.get("parameters") or {}).get("binary_data_output", False))
    asked = request.get("outputs")
    if asked is None:
        return [(name, default_binary) for name in available]
    if not isinstance(asked, list):
        raise TensorError("outputs must be a list of {name} objects")
    out = []
    for index, spec in enumerate(asked):
        name = spec.get("name") if isinstance(spec, dict) else None
        if name not in available:
            raise TensorError(f"outputs[{index}]: unknown output tensor {name!r} (one of {', '.join(available)})")
        out.append((name, bool((spec.get("parameters") or {}).get("binary_data", default_binary))))
    return out


def datatype_of(values: list[Any]) -> str:
    """The narrowest protocol datatype for a list of JSON scalars (predictions: labels or values)."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "BOOL"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "INT64"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "FP64"
    return "BYTES"


def output_tensor(name: str, datatype: str, shape: list[int], values: list[Any]) -> dict[str, Any]:
    """A JSON output tensor (``values`` flat, row-major)."""
    if datatype == "BYTES":
        values = [v if isinstance(v, str) else str(v) for v in values]
    return {"name": name, "datatype": datatype, "shape": shape, "data": values}


def to_binary(tensor: dict[str, Any]) -> bytes:
    """Move a JSON output tensor's data into binary form: returns the bytes, leaves the size in its parameters."""
    values = tensor.pop("data")
    if tensor["datatype"] == "BYTES":
        raw = b"".join(struct.pack("<I", len(b)) + b for b in (str(v).encode() for v in values))
    else:
        dtype = np.dtype(NUMPY_TYPES[tensor["datatype"]])
        filled = [np.nan if v is None else v for v in values]
        raw = np.asarray(filled, dtype=dtype).tobytes()
    tensor["parameters"] = {"binary_data_size": len(raw)}
    return raw
