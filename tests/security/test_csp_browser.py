"""The Content-Security-Policy in a real browser (Debian's chromium driven by Playwright): the dashboard, the admin,
Swagger UI and ReDoc render their content with the header present, the browser reports no policy violation, no
script error, and no request leaves 127.0.0.1 (ReDoc's fonts and logo included)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest

from core.models import User
from tests.dashboard.conftest import PASSWORD, build_served
from tests.dashboard.test_browser import ARTIFACTS, CHROMIUM, base, chromium, until  # noqa: F401 - `base`: a fixture

pytestmark = pytest.mark.browser

# Runs before any page script (through the DevTools protocol, so the page's policy does not apply to it).
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


@dataclass
class Watch:
    """Everything a page did that the policy or this test forbids."""

    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def attach(self, page: Any) -> None:
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("response", self._response)

    def _response(self, response: Any) -> None:
        if response.request.resource_type == "document":
            path = urlsplit(response.url).path
            self.headers[path] = response.headers.get("content-security-policy", "")

    def collect(self, page: Any) -> None:
        self.violations.extend(page.evaluate("window.__csp || []"))

    def assert_clean(self) -> None:
        assert self.requests
        outside = [u for u in self.requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")]
        outside = [u for u in outside if urlsplit(u).hostname != "127.0.0.1"]
        assert not outside, outside
        csp_console = [m for m in self.console if "Content Security Policy" in m or "Refused to" in m]
        assert not csp_console, csp_console
        assert not self.violations, self.violations
        assert not self.errors, self.errors
        missing = [path for path, header in self.headers.items() if "default-src 'self'" not in header]
        assert self.headers and not missing, missing


@pytest.fixture(autouse=True)
def _needs_chromium():
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")


@pytest.fixture
def watch() -> Iterator[Watch]:
    yield Watch()


def _page(browser: Any, watch: Watch) -> Any:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    watch.attach(page)
    return page


def _visit(page: Any, watch: Watch, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


def test_dashboard_pages_work_under_the_strict_policy(base, team, watch):  # noqa: F811
    build_served(team)
    with chromium() as browser:
        page = _page(browser, watch)
        _visit(page, watch, f"{base}/dashboard/")
        page.fill("#id_username", team.users["maintainer"].username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/dashboard/")
        watch.collect(page)
        assert "alpha" in page.content()

        _visit(page, watch, f"{base}/dashboard/alpha/deployments/api/")
        page.wait_for_selector("#chart canvas")  # the chart is drawn by the page's script file
        until(page, "document.querySelector('#variants li .rollout-bar span').style.width !== ''")
        until(page, "document.getElementById('c-updated').textContent.trim() !== ''")
        assert page.get_by_test_id("revision-number").inner_text() == "2"
        watch.collect(page)

        _visit(page, watch, f"{base}/dashboard/alpha/models/cancer/?version=2")
        page.wait_for_selector("#plot-roc canvas")
        shade = page.evaluate("getComputedStyle(document.querySelector('#plot-confusion td')).backgroundColor")
        assert shade.startswith("rgba(29, 78, 216"), shade  # set through the CSSOM, not a style attribute
        assert page.evaluate("document.querySelector('#plot-importance .fill').getBoundingClientRect().width") > 0
        page.screenshot(path=str(ARTIFACTS / "csp-dashboard-model.png"), full_page=True)
        watch.collect(page)

        _visit(page, watch, f"{base}/dashboard/alpha/pipeline/")
        page.wait_for_selector("svg.pipeline")
        watch.collect(page)
        page.context.close()
    watch.assert_clean()
    assert {"/dashboard/", "/dashboard/alpha/deployments/api/", "/dashboard/alpha/pipeline/"} <= set(watch.headers)


@pytest.mark.django_db(transaction=True)
def test_the_admin_works_under_the_policy(base, watch):  # noqa: F811
    admin = User.objects.create_superuser(username="root", password=PASSWORD, email="root@example.com")
    with chromium() as browser:
        page = _page(browser, watch)
        _visit(page, watch, f"{base}/admin/")
        page.fill("#id_username", "root")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"{base}/admin/")
        assert "Keel administration" in page.content()
        watch.collect(page)
        _visit(page, watch, f"{base}/admin/core/user/{admin.pk}/change/")
        page.wait_for_selector("#id_username")
        page.wait_for_selector("#id_groups_filter, #id_groups_from, #id_user_permissions_from", state="attached")
        watch.collect(page)
        _visit(page, watch, f"{base}/admin/core/user/")
        page.wait_for_selector("#result_list")
        page.click("#action-toggle")  # the change list's own script selects every row
        assert page.is_checked("input.action-select")
        watch.collect(page)
        page.context.close()
    watch.assert_clean()


@pytest.mark.django_db(transaction=True)
def test_swagger_ui_and_redoc_render_from_local_files_only(base, watch):  # noqa: F811
    with chromium() as browser:
        page = _page(browser, watch)
        _visit(page, watch, f"{base}/api/docs/")
        page.wait_for_selector(".swagger-ui .info .title")
        assert "Keel API" in page.inner_text(".swagger-ui .info .title")
        until(page, "document.querySelectorAll('.opblock').length > 5")
        page.locator(".opblock-summary").first.click()  # expands an operation (React re-renders, styles apply)
        page.wait_for_selector(".opblock-body")
        page.screenshot(path=str(ARTIFACTS / "csp-swagger.png"))
        watch.collect(page)

        _visit(page, watch, f"{base}/api/redoc/")
        page.wait_for_selector("h1:has-text('Keel API')", timeout=30_000)
        assert page.locator("[role=menuitem]").count() > 20
        logo = page.locator("img[alt='redocly logo']")
        logo.wait_for()
        assert urlsplit(logo.get_attribute("src") or "").path.endswith("api_docs/redoc-logo.svg")
        assert page.evaluate("document.querySelector(\"img[alt='redocly logo']\").naturalWidth") > 0
        styled = page.evaluate("document.querySelectorAll('style[data-styled]').length")
        assert styled >= 1
        # The injected styles apply: ReDoc's three-column layout has a right panel darker than the page.
        assert page.evaluate("getComputedStyle(document.querySelector('.menu-content')).position") in (
            "sticky",
            "fixed",
        )
        page.fill("input[role=search], input.search-input", "predict")
        page.wait_for_selector("[data-role='search:results'] li, .search-results li, [role=search] ~ * li")
        page.screenshot(path=str(ARTIFACTS / "csp-redoc.png"))
        watch.collect(page)
        page.context.close()
    watch.assert_clean()
    assert {"/api/docs/", "/api/redoc/"} <= set(watch.headers)
