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
    b'{"x": "tab\there"}',
    b'{"x": 01}',
    b'{"x": .5, "y": 1.}',
    b'{"x": "\\ud83d\\ude00"}',
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


def _depth(text: str) -> int:
    """The nesting depth of a JSON text, read character by character (the reference for ``nesting_over``)."""
    depth = deepest = 0
    inside = escaped = False
    for char in text:
        if inside:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                inside = False
        elif char == '"':
            inside = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def test_nesting_depth_agrees_with_a_character_by_character_reading():
    """Generated documents with strings full of brackets, quotes and backslashes, at depths around the limit."""
    from core.parsers import nesting_over

    rng = random.Random(11)
    pieces = ['"', "\\", "[", "]", "{", "}", "a", "\n", "\\u005c"]

    def value(depth: int) -> object:
        if depth <= 0 or rng.random() < 0.2:
            return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) if rng.random() < 0.7 else 1.5
        if rng.random() < 0.5:
            return [value(depth - 1) for _ in range(rng.randint(1, 3))]
        return {"".join(rng.choice(pieces) for _ in range(3)): value(depth - 1) for _ in range(rng.randint(1, 3))}

    for _ in range(400):
        text = json.dumps(value(rng.randint(1, 12)))
        for limit in (2, 3, 5, 8):
            assert nesting_over(text.encode(), limit) == (_depth(text) > limit), text
