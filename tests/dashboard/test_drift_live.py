"""A live drift view in a real browser: a deployment nobody configured has the default drift schedule; simulated
drifting traffic, then the beat's drift task, and the open deployment page shows the new report's status and
heatmap without a reload."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from console.simulator import HttpSender, Simulation, run
from core import services
from monitoring import tasks
from monitoring.models import DriftConfig, DriftReport
from serving.services import deployment_create
from tests.dashboard.test_browser import CHROMIUM, _login, base, chromium, until  # noqa: F401 - base: a fixture
from tests.monitoring.conftest import with_reference
from tests.registry.models_helpers import cancer_frame, make_version

pytestmark = pytest.mark.browser

SHIFTED = ["mean_radius", "mean_texture", "mean_perimeter", "mean_area", "worst_radius", "worst_area"]


@pytest.fixture(autouse=True)
def _needs_chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")


def _beat_tick() -> int:
    """What beat does every minute, in a thread of its own: Playwright's event loop owns this one (no ORM here)."""
    done: list[int] = []

    def tick() -> None:
        try:
            done.append(tasks.run_due_drift_reports.delay().get())
        finally:
            connection.close()  # this thread's own connection, before the test database is dropped

    worker = threading.Thread(target=tick)
    worker.start()
    worker.join(timeout=60)
    return done[0]


def test_simulated_drift_appears_on_the_open_page_after_the_scheduled_report(base, team, settings):  # noqa: F811
    settings.KEEL_DRIFT_CADENCE_MINUTES, settings.KEEL_DRIFT_WINDOW_MINUTES = 1, 2
    version = with_reference(make_version(team.project, team.users["editor"]))
    deployment_create(project=team.project, user=team.users["maintainer"], name="api", version=version)
    token = services.api_token_create(user=team.users["predictor"], name="simulator").secret
    frame = cancer_frame()
    sim = Simulation(
        project=team.project.slug,
        deployment="api",
        rows=frame,
        target="target",
        scenario="sudden_shift",
        features=SHIFTED,
        k=3.0,
        rate=50,
        duration=5,
        max_requests=30,
        batch=10,
    )
    with chromium() as browser:
        page = _login(browser, base, team.users["viewer"].username, [])
        page.goto(f"{base}/dashboard/{team.project.slug}/deployments/api/")
        assert page.get_by_test_id("drift-status").inner_text() == "none yet"
        assert "No drift reports yet" in page.get_by_test_id("drift-heatmap").inner_text()

        if time.time() % 60 > 50:  # the traffic and its window must fall in the same minute
            page.wait_for_timeout(1000 * (61 - time.time() % 60))
        outcome = run(sim, HttpSender(base, token))
        assert outcome.predictions == 300 and outcome.errors == 0
        page.wait_for_timeout(1000 * (61 - time.time() % 60))  # the minute closes: its window is due
        assert _beat_tick() == 1

        until(page, "document.querySelectorAll('#drift-heatmap td[data-status=drifted]').length >= 4", timeout=15)
        status = page.get_by_test_id("drift-status").inner_text()
        assert status in ("warning", "drift")
        assert "features drifted" in page.get_by_test_id("drift-summary").inner_text()
        assert page.evaluate("performance.getEntriesByType('navigation').length") == 1  # no reload
        page.screenshot(path="test-artifacts/dashboard-drift-live.png", full_page=True)
        page.context.close()

    report = DriftReport.objects.get()
    assert report.trigger == "schedule" and report.n_rows == 300 and report.status == status
    assert not DriftConfig.objects.exists()  # the default schedule: nothing was configured
