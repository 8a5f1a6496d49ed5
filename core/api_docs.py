"""Swagger UI and ReDoc under the Content-Security-Policy, with nothing loaded from another origin.

drf-spectacular's own pages start the viewers with inline <script> and <style> and load ReDoc's fonts from Google
Fonts; ours (templates/api_docs/) load everything from static files on this origin. Swagger UI's start-up script
comes from drf-spectacular's split view. ReDoc's bundle (drf-spectacular-sidecar) needs two edits it has no option
for, so this module serves it with them and is otherwise byte for byte the sidecar's file:

- it always renders Redocly's logo from cdn.redoc.ly in its sidebar: the address points at a local image;
- it injects <style> elements while it loads, before its ``nonce`` option is read: its webpack runtime takes the
  nonce from the bundle's own <script nonce> instead, so those elements carry the response's nonce too.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
REDOC_CDN_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
REDOC_NONCE = b"r.nc=void 0"  # the webpack runtime's style nonce (__webpack_nonce__)
REDOC_NONCE_FROM_SCRIPT = b"r.nc=document.currentScript&&document.currentScript.nonce||void 0"


@lru_cache(maxsize=1)
def redoc_bundle() -> bytes:
    """The sidecar's ReDoc bundle with the two edits above (a sidecar release without either fails loudly)."""
    path = finders.find(REDOC_BUNDLE)
    if not isinstance(path, str):
        raise FileNotFoundError(REDOC_BUNDLE)
    with open(path, "rb") as handle:
        source = handle.read()
    for old in (REDOC_CDN_LOGO, REDOC_NONCE):
        if source.count(old) != 1:
            raise RuntimeError(f"{REDOC_BUNDLE}: expected {old!r} once; update core/api_docs.py for this release")
    source = source.replace(REDOC_CDN_LOGO, static("api_docs/redoc-logo.svg").encode())
    return source.replace(REDOC_NONCE, REDOC_NONCE_FROM_SCRIPT)


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI; its start-up script is this URL with ``?script``."""

    template_name = "api_docs/swagger_ui.html"


# ReDoc injects <style> elements (stamped with the response's nonce) and builds its search worker from a blob.
@method_decorator(csp_update({"style-src": [NONCE], "worker-src": [SELF, "blob:"]}), name="get")
class RedocView(SpectacularRedocView):
    """ReDoc; its bundle is this URL with ``?bundle``."""

    template_name = "api_docs/redoc.html"

    @extend_schema(exclude=True)
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:  # type: ignore[override]
        if "bundle" in request.GET:
            response = HttpResponse(redoc_bundle(), content_type="application/javascript; charset=utf-8")
            response["Cache-Control"] = "public, max-age=86400"
            return response
        response = super().get(request, *args, **kwargs)
        response.data["redoc_standalone"] = request.path + "?bundle"
        response.data["redoc_settings"] = json.loads(response.data["settings"] or "{}")
        return response
