"""Content negotiation: DRF's, with the answer remembered per Accept header.

DRF parses the Accept header into media types, orders them by precedence and matches them against each renderer
on every request: a few percent of a prediction's CPU, for an answer that depends only on the header and the
view's renderer classes. Here the choice (which renderer, which media type) is remembered for short headers (a
bounded table per process: clients send a handful of distinct headers); a format suffix or query parameter, a
long header and every refusal (406) go through DRF each time.
"""

from __future__ import annotations

import threading
from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation

MAX_REMEMBERED = 256
MAX_HEADER = 200  # characters: longer headers are negotiated every time, not remembered


class RememberingContentNegotiation(DefaultContentNegotiation):
    _chosen: dict[tuple[Any, ...], tuple[int, str]] = {}  # (header, renderer classes) -> (index, media type)
    _lock = threading.Lock()

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        header = request.META.get("HTTP_ACCEPT", "*/*")  # what request.headers.get("accept", "*/*") reads
        override = self.settings.URL_FORMAT_OVERRIDE
        if format_suffix or (override and override in request.query_params) or len(header) > MAX_HEADER:
            return super().select_renderer(request, renderers, format_suffix)
        key = (header, *(type(r) for r in renderers), *(r.media_type for r in renderers))
        found = self._chosen.get(key)
        if found is None:
            renderer, media_type = super().select_renderer(request, renderers, format_suffix)
            found = (next(i for i, r in enumerate(renderers) if r is renderer), media_type)
            with self._lock:
                if len(self._chosen) >= MAX_REMEMBERED:
                    self._chosen.clear()
                self._chosen[key] = found
        return renderers[found[0]], found[1]
