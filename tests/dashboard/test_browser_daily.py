"""What a person meets in Chromium: signing out, a styled 404, the favicon, a filled model card, why an invalid
dataset version was trained on, and ReDoc with every request to another host blocked."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.dashboard.conftest import PASSWORD, build_retrained, build_served
from tests.dashboard.test_browser import ARTIFACTS, CHROMIUM, base, chromium  # noqa: F401 - `base`: a fixture

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _needs_chromium():
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")


def _offline_context(browser: Any, blocked: list[str]) -> Any:
    """A context where a request to any host but 127.0.0.1 fails (and is recorded), as on a machine offline."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})

    def route(r: Any) -> None:
        parts = urlsplit(r.request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname != "127.0.0.1":
            blocked.append(r.request.url)
            r.abort()
        else:
            r.continue_()

    context.route("**/*", route)
    return context


def test_sign_out_404_favicon_card_and_invalid_data(base, team):  # noqa: F811
    served = build_served(team)
    retrained = build_retrained(team, served)
    team.project.acceptance_criteria = [{"metric": "f1_macro", "op": ">=", "threshold": 0.5}]
    team.project.save()
    blocked: list[str] = []
    with chromium() as browser:
        page = _offline_context(browser, blocked).new_page()
        page.goto(f"{base}/dashboard/")
        page.fill("#id_username", team.users["maintainer"].username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/dashboard/")
        assert page.get_by_test_id("logout").is_visible()

        icon = page.request.get(f"{base}/favicon.ico")
        assert icon.status == 200 and icon.body()[:4] == b"\x00\x00\x01\x00"

        page.goto(f"{base}/dashboard/alpha/models/cancer/?version=2")
        assert "trained by Keel on cancer v2" in page.get_by_test_id("card-description").inner_text()
        assert "from Keel" in page.inner_text(".card-sections")
        assert "all criteria met" in page.get_by_test_id("card-acceptance").inner_text()
        why = page.get_by_test_id("invalid-why")
        assert "row_count" in why.inner_text() and "retrain-on-drift" in why.inner_text()
        assert page.get_by_test_id("logout").is_visible()
        page.screenshot(path=str(ARTIFACTS / "dashboard-model-card-why.png"), full_page=True)

        why.locator("h3 a").click()  # the dataset version named in the heading
        page.wait_for_url(f"{base}/dashboard/alpha/datasets/cancer/?version=2")
        assert "v1 plus labelled feedback" in page.get_by_test_id("invalid-why").inner_text()
        page.screenshot(path=str(ARTIFACTS / "dashboard-dataset-invalid.png"), full_page=True)
        page.get_by_test_id("invalid-why").get_by_role("link", name=f"run #{retrained.run.pk}").click()
        page.wait_for_url(f"{base}/dashboard/alpha/retraining/{retrained.run.pk}/")
        assert page.get_by_test_id("run-status").inner_text() == "promoted"
        assert "row_count" in page.get_by_test_id("invalid-why").inner_text()

        missing = page.goto(f"{base}/dashboard/alpha/models/nope/")
        assert missing is not None and missing.status == 404
        assert page.get_by_test_id("error-404").is_visible()
        header = page.evaluate("getComputedStyle(document.querySelector('header.top')).backgroundColor")
        assert header == "rgb(17, 24, 39)", header  # the dashboard's stylesheet applies
        page.screenshot(path=str(ARTIFACTS / "dashboard-404.png"), full_page=True)

        page.get_by_test_id("logout").click()
        page.wait_for_url(f"{base}/accounts/login/")
        page.goto(f"{base}/dashboard/")
        assert "/accounts/login/" in page.url  # signed out

        page.goto(f"{base}/api/redoc/")
        page.wait_for_selector("h1:has-text('Keel API')", timeout=30_000)
        logo = page.locator("img[alt='redocly logo']")
        logo.wait_for()
        assert page.evaluate("document.querySelector(\"img[alt='redocly logo']\").naturalWidth") > 0
        fonts = page.evaluate("Array.from(document.fonts).map(f => f.family + ' ' + f.status)")
        resources = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
        page.context.close()
    assert not blocked, blocked
    assert all(urlsplit(u).hostname == "127.0.0.1" for u in resources if u.startswith("http")), resources
    assert not [f for f in fonts if f.endswith("error")], fonts
