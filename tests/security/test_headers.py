"""Response headers on every HTML page: a Content-Security-Policy that lets nothing run or load from elsewhere.

The dashboard and the login page are strict (scripts and styles from our own origin only, no inline code at all);
the admin and both API documentation pages get the same policy, ReDoc with a per-response nonce for the styles it
injects and a blob: worker for its search. tests/security/test_csp_browser.py loads the same pages in a browser.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.dashboard.conftest import build_served

pytestmark = pytest.mark.django_db

DASHBOARD = [
    "/dashboard/",
    "/dashboard/alpha/deployments/api/",
    "/dashboard/alpha/models/cancer/?version=2",
    "/dashboard/alpha/pipeline/",
]
STRICT = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)


def policy(response) -> dict[str, set[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    out: dict[str, set[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        out[name] = set(values)
    return out


def assert_no_external_source(csp: dict[str, set[str]]) -> None:
    for directive, values in csp.items():
        foreign = {v for v in values if v.startswith(("http:", "https:", "*")) or "." in v.strip("'")}
        assert not foreign, (directive, foreign)
        assert "'unsafe-eval'" not in values, directive


@pytest.fixture
def maintainer(team):
    build_served(team)
    client = Client()
    client.force_login(team.users["maintainer"])
    return client


@pytest.mark.parametrize("path", DASHBOARD)
def test_dashboard_pages_carry_the_strict_policy_and_no_inline_script(maintainer, path):
    response = maintainer.get(path)
    assert response.status_code == 200
    assert policy(response) == STRICT
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html)
    assert " style=" not in html and "<style" not in html


def test_the_login_page_is_strict_too(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert policy(response) == STRICT
    assert " style=" not in response.content.decode()


@pytest.mark.parametrize("path", ["/admin/login/", "/admin/"])
def test_the_admin_carries_the_strict_policy(admin_client, client, path):
    response = (admin_client if path == "/admin/" else client).get(path)
    assert response.status_code == 200
    assert policy(response) == STRICT


def test_swagger_ui_runs_no_inline_script_under_the_strict_policy(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert policy(response) == STRICT
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html) and "<style" not in html
    script = re.search(r'<script src="(/api/docs/\?[^"]*)"', html)
    assert script, html
    init = client.get(script.group(1).replace("&amp;", "&"))
    assert init.status_code == 200 and init["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in init.content.decode()


def test_redoc_gets_a_nonce_for_its_styles_and_no_external_origin(client):
    response = client.get("/api/redoc/")
    assert response.status_code == 200
    csp = policy(response)
    assert_no_external_source(csp)
    assert csp["script-src"] == {"'self'"}
    nonce = next(v for v in csp["style-src"] if v.startswith("'nonce-"))
    assert csp["style-src"] == {"'self'", nonce}
    assert csp["worker-src"] == {"'self'", "blob:"}  # the search index runs in a worker built from a blob
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html) and "<style" not in html
    assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html
    value = nonce.strip("'").removeprefix("nonce-")
    assert f'nonce="{value}"' in html  # on ReDoc's bundle, which stamps the <style> elements it injects with it


def test_the_redoc_bundle_is_served_locally_without_the_cdn_logo(client):
    html = client.get("/api/redoc/").content.decode()
    src = re.search(r'<script src="([^"]*redoc[^"]*)"', html)
    assert src and not src.group(1).startswith("http"), html
    bundle = client.get(src.group(1).replace("&amp;", "&"))
    assert bundle.status_code == 200 and bundle["Content-Type"].startswith("application/javascript")
    body = b"".join(bundle.streaming_content) if bundle.streaming else bundle.content
    assert b"Redoc" in body and len(body) > 500_000
    assert b"cdn.redoc.ly" not in body and b"api_docs/redoc-logo.svg" in body
    assert b"r.nc=document.currentScript" in body  # styles injected while loading get the script's nonce


def test_api_responses_carry_a_policy_too(client):
    response = client.get("/livez")
    assert response.status_code == 200
    assert policy(response)["default-src"] == {"'self'"}
