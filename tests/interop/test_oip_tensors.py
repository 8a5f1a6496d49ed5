"""The pure tensor translation, without a database: layouts, binary encodings and the errors that name tensors."""

from __future__ import annotations

import json

import numpy as np
import pytest
import tritonclient.http as httpclient

from interop.oip import tensors


def _request(*inputs: httpclient.InferInput) -> tuple[dict, bytes]:
    body, json_size = httpclient.InferenceServerClient.generate_request_body(list(inputs))
    header, binary = tensors.split_body(body, None if json_size is None else str(json_size))
    return json.loads(header), binary


def _input(name: str, values: np.ndarray, datatype: str, binary: bool) -> httpclient.InferInput:
    tensor = httpclient.InferInput(name, list(values.shape), datatype)
    tensor.set_data_from_numpy(values, binary_data=binary)
    return tensor


@pytest.mark.parametrize("binary", [False, True])
def test_per_feature_tensors_of_every_kind_become_columns(binary):
    body, raw = _request(
        _input("age", np.array([31.5, 40.0]), "FP64", binary),
        _input("visits", np.array([[3], [4]], dtype=np.int32), "INT32", binary),
        _input("member", np.array([True, False]), "BOOL", binary),
        _input("city", np.array(["Köln", "Oslo"], dtype=np.object_), "BYTES", binary),
    )
    decoded = tensors.decode_inputs(body, raw, ["age", "visits", "member", "city"])
    assert decoded.columns == ["age", "visits", "member", "city"]
    assert decoded.data == [[31.5, 3, True, "Köln"], [40.0, 4, False, "Oslo"]]


@pytest.mark.parametrize("binary", [False, True])
def test_one_matrix_in_signature_order(binary):
    body, raw = _request(_input("input", np.arange(6, dtype=np.float32).reshape(3, 2), "FP32", binary))
    decoded = tensors.decode_inputs(body, raw, ["a", "b"])
    assert decoded.columns == ["a", "b"] and decoded.data == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]
    assert decoded.origin["b"] == "input tensor 'input' column 1 (b)"


def test_binary_nan_and_short_data_name_the_tensor():
    body, raw = _request(_input("x", np.array([1.0, np.inf]), "FP64", True))
    with pytest.raises(tensors.TensorError, match="input tensor 'x' element 1: inf is not a finite number"):
        tensors.decode_inputs(body, raw, ["x"])
    with pytest.raises(tensors.TensorError, match="input tensor 'x': binary_data_size exceeds the binary data sent"):
        tensors.decode_inputs(body, raw[:8], ["x"])
    body["inputs"][0]["parameters"]["binary_data_size"] = 8
    with pytest.raises(tensors.TensorError, match="input tensor 'x': shape \\[2\\] of FP64 needs 16 bytes, got 8"):
        tensors.decode_inputs(body, raw[:8], ["x"])
    with pytest.raises(tensors.TensorError, match="exceeds the body"):
        tensors.split_body(b"{}", "10")


def test_outputs_json_and_binary_round_trip_through_the_client():
    available = {
        "predictions": tensors.output_tensor("predictions", "BYTES", [2], ["yes", "no"]),
        "probabilities": tensors.output_tensor("probabilities", "FP64", [2, 2], [0.9, 0.1, 0.2, 0.8]),
    }
    chosen = tensors.requested_outputs(
        {"outputs": [{"name": "probabilities"}, {"name": "predictions"}]}, ["predictions", "probabilities"]
    )
    assert chosen == [("probabilities", False), ("predictions", False)]
    blob = tensors.to_binary(available["predictions"])
    header = json.dumps({"outputs": [available["probabilities"], available["predictions"]]}).encode()
    result = httpclient.InferResult.from_response_body(header + blob, header_length=len(header))
    assert result.as_numpy("predictions").tolist() == [b"yes", b"no"]
    assert result.as_numpy("probabilities").tolist() == [[0.9, 0.1], [0.2, 0.8]]
    assert tensors.datatype_of([1, 0]) == "INT64" and tensors.datatype_of([1.5, None]) == "FP64"
    assert tensors.datatype_of(["a", 1]) == "BYTES" and tensors.datatype_of([True]) == "BOOL"
