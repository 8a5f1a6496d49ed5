"""core.parsers.JSONParser reads bodies with orjson and falls back to DRF's parser: on every body the result is what
DRF's own parser gives (the same data, or the same error)."""

from __future__ import annotations

import io
import json
import random

import pytest
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from core.parsers import JSONParser


def read(parser: parsers.JSONParser, body: bytes, encoding: str = "utf-8") -> tuple[str, object]:
    try:
        return "ok", parser.parse(io.BytesIO(body), "application/json", {"encoding": encoding})
    except ParseError as exc:
        return "error", str(exc.detail)


BODIES = [
    b'{"a": 1, "a": 2}',
    b'{"x": 1e400}',
    b'{"x": -0, "y": 1.0, "z": 1E2, "w": 0.1}',
    b'{"x": 12345678901234567890123}',
    b'{"x": -9223372036854775809, "y": 9223372036854775807}',
    b'{"x": 18446744073709551616}',
    b'{"x": NaN}',
    b'{"x": Infinity}',
    b"\xef\xbb\xbf{}",
    b'{"x": "\xff"}',
    b'{"x": "caf\xc3\xa9 \\u00e9 \\ud83d\\ude00"}',
    b"[1, 2,]",
    b'{"x": 1} trailing',
    b"",
    b"  [ ]  ",
    b'"just a string"',
]


@pytest.mark.parametrize("body", BODIES)
def test_each_body_reads_as_drf_reads_it(body):
    assert read(JSONParser(), body) == read(parsers.JSONParser(), body)


def test_a_body_in_another_charset_is_read_as_drf_reads_it():
    body = '{"name": "café"}'.encode("latin-1")
    assert (
        read(JSONParser(), body, "latin-1") == read(parsers.JSONParser(), body, "latin-1") == ("ok", {"name": "café"})
    )


def test_generated_numbers_read_by_orjson_to_the_same_values_and_types(monkeypatch):
    """Floats of every magnitude (as JSON encoders spell them, and with up to 18 significant digits) and integers
    of up to 18 digits: read by orjson alone to values and types identical to DRF's reading."""
    rng = random.Random(7)
    floats = [rng.uniform(-1, 1) * 10 ** rng.randint(-320, 300) for _ in range(3000)]
    floats += [5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 1 / 3]
    ints = [rng.randint(-(10**18) + 1, 10**18 - 1) for _ in range(1000)] + [0, -1, 2**53 + 1]
    spelled = [json.dumps(n) for n in floats + ints] + [f"{n:.17e}" for n in floats[:1000]]
    body = f"[{', '.join(spelled)}]".encode()
    _, theirs = read(parsers.JSONParser(), body)
    monkeypatch.setattr(parsers.JSONParser, "parse", lambda *args: pytest.fail("read by the fallback"))
    kind, ours = read(JSONParser(), body)
    assert kind == "ok" and [(type(v), v) for v in ours] == [(type(v), v) for v in theirs]  # type: ignore[union-attr]
