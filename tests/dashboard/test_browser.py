"""The deployment page in a real browser (Debian's chromium driven by Playwright): live counters while traffic
flows through the API, rollback with a confirm dialog, roles, and no request leaving 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from core import services
from serving.models import Deployment
from tests.dashboard.conftest import PASSWORD, build_served
from tests.serving.conftest import rows

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path("test-artifacts")


class Traffic(threading.Thread):
    """Sends single-row predictions through the HTTP API with a bearer token until stopped."""

    def __init__(self, url: str, token: str) -> None:
        super().__init__(daemon=True)
        self.url, self.token, self.sent, self.failed = url, token, 0, 0
        self.stop = threading.Event()

    def run(self) -> None:
        payloads = [json.dumps({"inputs": rows(1, start=i)}).encode() for i in range(50)]
        while not self.stop.is_set():
            request = urllib.request.Request(
                self.url,
                data=payloads[self.sent % len(payloads)],
                headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    self.sent += int(response.status == 200)
            except OSError:
                self.failed += 1
            time.sleep(0.1)


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's chromium under Playwright's sync API.

    Playwright runs an event loop in this thread while it is open, so the test touches the ORM only before and
    after this block (fixtures built first, database checks after), never inside it.
    """
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(autouse=True)
def _needs_chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")


@pytest.fixture
def base(live_server, settings) -> str:
    """The live server's address on 127.0.0.1, serving plain HTTP for this test.

    The session-wide live server built its middleware when it started, with the production-like security defaults
    (HTTPS redirect, secure cookies); rebuild its handler after switching them off for this test.
    """
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.testcases import _MediaFilesHandler

    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_HSTS_SECONDS = 0
    live_server.thread.httpd.set_app(StaticFilesHandler(_MediaFilesHandler(WSGIHandler())))
    return live_server.url.replace("localhost", "127.0.0.1")


def _login(browser, base: str, username: str, requests: list[str]):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{base}/dashboard/")
    assert "/accounts/login/" in page.url  # login_required sent us to the sign-in form
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/dashboard/")
    return page


def until(page: Any, expression: str, timeout: float = 15) -> None:
    """Polls from the test: Playwright's wait_for_function evaluates a string with eval() in the page, which the
    Content-Security-Policy refuses (no 'unsafe-eval')."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(100)


def _counter(page, testid: str) -> int:
    return int(page.get_by_test_id(testid).inner_text())


def test_deployment_page_live_updates_and_rollback(base, team):
    served = build_served(team)
    token = services.api_token_create(user=team.users["predictor"], name="browser-test").secret
    maintainer, viewer_name = team.users["maintainer"].username, team.users["viewer"].username
    requests: list[str] = []
    traffic = Traffic(f"{base}/api/v1/projects/alpha/deployments/api/predict/", token)
    with chromium() as browser:
        page = _login(browser, base, maintainer, requests)
        page.screenshot(path=str(ARTIFACTS / "dashboard-overview.png"), full_page=True)

        page.goto(f"{base}/dashboard/alpha/deployments/api/")
        assert page.get_by_test_id("revision-number").inner_text() == "2"
        before = _counter(page, "request-count")
        traffic.start()
        try:
            until(
                page,
                f"Number(document.querySelector('[data-testid=request-count]').textContent) >= {before + 5}",
                timeout=20,
            )
        finally:
            traffic.stop.set()
            traffic.join(timeout=15)
        assert page.evaluate("performance.getEntriesByType('navigation').length") == 1  # no reload happened
        assert page.evaluate("document.querySelectorAll('#chart canvas').length") >= 1
        page.screenshot(path=str(ARTIFACTS / "dashboard-deployment-live.png"), full_page=True)

        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_test_id("rollback").click()
        until(page, "document.querySelector('[data-testid=revision-number]').textContent.trim() === '3'")
        assert "now serving revision r3" in page.content()
        page.screenshot(path=str(ARTIFACTS / "dashboard-deployment-rolled-back.png"), full_page=True)

        page.goto(f"{base}/dashboard/alpha/models/cancer/?version=2")
        page.wait_for_selector("#plot-roc canvas")
        page.screenshot(path=str(ARTIFACTS / "dashboard-model.png"), full_page=True)
        page.goto(f"{base}/dashboard/alpha/pipeline/")
        page.screenshot(path=str(ARTIFACTS / "dashboard-pipeline.png"), full_page=True)
        page.context.close()

        viewer = _login(browser, base, viewer_name, requests)
        viewer.goto(f"{base}/dashboard/alpha/deployments/api/")
        assert viewer.get_by_test_id("revision-number").inner_text() == "3"
        assert viewer.get_by_test_id("rollback").count() == 0
        viewer.screenshot(path=str(ARTIFACTS / "dashboard-deployment-viewer.png"), full_page=True)
        viewer.context.close()

    assert traffic.sent >= 5 and traffic.failed == 0
    current = Deployment.objects.get(pk=served.deployment.pk).current_revision
    assert current.number == 3 and current.variants.get().model_version_id == served.v1.pk
    outside = [u for u in requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")]
    outside = [u for u in outside if urlsplit(u).hostname != "127.0.0.1"]
    assert requests and not outside, outside


def test_dismissing_the_confirm_dialog_keeps_the_revision(base, team):
    served = build_served(team)
    maintainer = team.users["maintainer"].username
    with chromium() as browser:
        page = _login(browser, base, maintainer, [])
        page.goto(f"{base}/dashboard/alpha/deployments/api/")
        page.once("dialog", lambda dialog: dialog.dismiss())
        page.get_by_test_id("rollback").click()
        page.wait_for_timeout(500)
        assert page.get_by_test_id("revision-number").inner_text() == "2"
        page.context.close()
    assert Deployment.objects.get(pk=served.deployment.pk).current_revision.number == 2
