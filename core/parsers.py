"""Request parsers.

DRF's JSON parser turns malformed JSON into a 400 but lets two things through that end as a 500:

- a RecursionError (JSON nested thousands of levels deep): refused here as a parse error like any other malformed
  body;
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

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from core.errors import ValidationFailed

# \u0000 or a surrogate escape (\ud800-\udfff); valid surrogate pairs are searched too and pass the walk
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        raw = stream.read()  # DRF calls a parser only for a request with a body
        try:
            data = super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - nested too deeply") from exc
        if _SUSPECT_ESCAPE.search(raw):
            refuse_unstorable_text(data)
        return data


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
