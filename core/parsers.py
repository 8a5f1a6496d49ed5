"""Request parsers. DRF's JSON parser turns malformed JSON into a 400 but lets a RecursionError (JSON nested
thousands of levels deep) escape as a 500; this one refuses it as a parse error like any other malformed body."""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - nested too deeply") from exc
