"""Request parsers.

JSON bodies are read with orjson (a 100-row predict body in a fifth of the standard library's time); a body orjson
refuses, or one with a run of 19 digits (orjson reads an integer beyond 64 bits as a float), is read by DRF's parser,
which gives the error or accepts what only it reads (NaN is refused; lone surrogate escapes are then refused by name
below). A body declared in another charset goes to DRF's parser too. Both agree on every other body both accept.

DRF's JSON parser turns malformed JSON into a 400 but lets two things through that end as a 500:

- deep nesting: Python's ``json`` has no depth limit and ends in a RecursionError (or a deep C stack) thousands of
  levels down. A body nested deeper than ``KEEL_MAX_JSON_DEPTH`` is refused before it is parsed, by
  :func:`nesting_over`, which counts brackets outside strings with numpy (no Python loop per character; skipped
  outright when the body holds fewer brackets than the limit). Every JSON prefix (this
  parser for the REST and MLflow APIs, the Open Inference Protocol's own reader) uses it;
- strings PostgreSQL cannot store: a NUL character (``\\u0000``, which neither ``text`` nor ``jsonb`` accepts) or a
  lone UTF-16 surrogate (``\\udc80`` without its pair, which is not Unicode text). DRF's ``CharField`` refuses NUL in
  the values it declares, but not in the keys of a ``DictField`` or anywhere inside a ``JSONField``. JSON can only
  spell either as a ``\\u`` escape, so the parsed body is searched for them only when its raw bytes hold one; the
  400 names the first offending field by its path (``tags.<key>``, ``inputs[0].name``).
"""

from __future__ import annotations

import io
import re
from typing import Any

import numpy as np
import orjson
from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from core.errors import ValidationFailed

# an integer literal that may not fit 64 bits (19 digits or more, no fraction or exponent; or such a run in a string),
# searched for only where the bytes hold 19 digits in a row (found in a digit mask: the regex alone is 10x slower)
_LONG_DIGITS = re.compile(rb"(?<![0-9.])[0-9]{19}(?![0-9]*[.eE])")
_DIGIT_MASK = bytes(ord("1") if chr(b).isdigit() and b < 128 else ord("0") for b in range(256))
_DIGIT_RUN = b"1" * 19


def _long_integer(raw: bytes) -> bool:
    return _DIGIT_RUN in raw.translate(_DIGIT_MASK) and _LONG_DIGITS.search(raw) is not None


# \u0000 or a surrogate escape (\ud800-\udfff); valid surrogate pairs are searched too and pass the walk
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        raw = stream.read()  # DRF calls a parser only for a request with a body
        limit = settings.KEEL_MAX_JSON_DEPTH
        if nesting_over(raw, limit):
            raise ParseError(f"JSON parse error - {nesting_message(limit)}")
        try:
            encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
            if _long_integer(raw) or encoding.lower() not in ("utf-8", "utf8"):  # not orjson's to read
                raise orjson.JSONDecodeError("", "", 0)
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:  # DRF's reading decides: its errors, NaN refused, integers of any size
            try:
                data = super().parse(io.BytesIO(raw), media_type, parser_context)
            except RecursionError as exc:
                raise ParseError(f"JSON parse error - {nesting_message(limit)}") from exc
        if _SUSPECT_ESCAPE.search(raw):
            refuse_unstorable_text(data)
        return data


def nesting_message(limit: int) -> str:
    return f"nested more than {limit} levels deep (the limit is KEEL_MAX_JSON_DEPTH); send a flatter body"


# byte -> 1 quote, 2 opening bracket, 3 closing bracket, 0 anything else (a bytes.translate table)
_KINDS = bytes(1 if b == ord('"') else 2 if b in b"[{" else 3 if b in b"]}" else 0 for b in range(256))
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"[]{}')  # deleted before counting


def nesting_over(raw: bytes, limit: int) -> bool:
    """Whether the JSON text ``raw`` nests arrays and objects more than ``limit`` deep (brackets in strings are
    text). Malformed text gets an answer too; the parser refuses it afterwards either way.

    Escapes go first (``\\\\`` pairs, then ``\\"``), so every quote left opens or closes a string; then only quotes
    and brackets are kept and counted with numpy (a 100-row predict body: 6,000 of its 82,000 bytes)."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    if b"\\" in raw:
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    kinds = np.frombuffer(raw.translate(_KINDS, _NOT_STRUCTURE), dtype=np.uint8)
    inside = (np.cumsum(kinds == 1, dtype=np.int64) & 1).astype(bool)
    steps = (kinds == 2).astype(np.int32) - (kinds == 3)
    steps[inside] = 0
    return bool(np.cumsum(steps).max() > limit)


def refuse_unstorable_text(data: Any) -> None:
    """Raise a 400 naming the first key or string in ``data`` that holds a NUL character or a lone surrogate."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            _check_text(path or "body", value)
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                where = f"{path}.{key}" if path else str(key)
                _check_text(where, key, key=True)
                stack.append((where, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{index}]", item) for index, item in reversed(list(enumerate(value))))


def _check_text(where: str, text: str, *, key: bool = False) -> None:
    what = "key" if key else "value"
    if "\x00" in text:
        raise ValidationFailed.field(_shown(where), f"the {what} must not contain a NUL character (\\u0000)")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        message = f"the {what} holds a lone UTF-16 surrogate, which is not text"
        raise ValidationFailed.field(_shown(where), message) from None


def _shown(path: str) -> str:
    """The path as an error can carry it: NUL and lone surrogates spelled as escapes."""
    return path.replace("\x00", "\\u0000").encode("utf-8", "backslashreplace").decode()
