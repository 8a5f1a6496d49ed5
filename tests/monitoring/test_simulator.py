"""The traffic simulator: scenarios, feedback, bounds, loopback only."""

from __future__ import annotations

import pandas as pd
import pytest

from console.simulator import HttpSender, Simulation, run
from serving.models import Feedback, PredictionLog


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.001)


class Recorder:
    def __init__(self) -> None:
        self.predicts: list[dict] = []
        self.feedback: list[dict] = []

    def post(self, path: str, body: dict) -> dict:
        if path.endswith("predict/"):
            self.predicts.append(body)
            n = len(body["inputs"])
            return {"prediction_ids": [f"p{len(self.predicts)}-{i}" for i in range(n)], "variant": "primary"}
        self.feedback.extend(body["items"])
        return {"recorded": len(body["items"])}


FRAME = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0] * 25, "c": ["a", "b"] * 50, "target": [0, 1] * 50})


def _sim(**kwargs) -> Simulation:
    return Simulation(project="p", deployment="d", rows=FRAME, target="target", **kwargs)


def test_rate_duration_and_request_cap_bound_the_run():
    clock, sender = FakeClock(), Recorder()
    outcome = run(_sim(rate=10, duration=5, max_requests=1000), sender, clock=clock, sleep=clock.sleep)
    assert 49 <= outcome.requests <= 51 and outcome.seconds <= 5.2
    capped = run(_sim(rate=10, duration=60, max_requests=7), Recorder(), clock=FakeClock(), sleep=FakeClock().sleep)
    assert capped.requests == 7


def test_sudden_shift_moves_features_by_k_std_and_gradual_grows():
    sender = Recorder()
    clock = FakeClock()
    run(_sim(scenario="sudden_shift", features=["x"], k=3, duration=2, rate=20), sender, clock=clock, sleep=clock.sleep)
    std = FRAME["x"].std()
    assert min(b["inputs"][0]["x"] for b in sender.predicts) >= 1 + 3 * std - 1e-9
    gradual, clock = Recorder(), FakeClock()
    run(
        _sim(scenario="gradual_shift", features=["x"], k=3, duration=10, rate=10),
        gradual,
        clock=clock,
        sleep=clock.sleep,
    )
    early = [b["inputs"][0]["x"] for b in gradual.predicts[:10]]
    late = [b["inputs"][0]["x"] for b in gradual.predicts[-10:]]
    assert sum(late) / 10 > sum(early) / 10 + 2 * std


def test_new_category_and_concept_drift_with_delayed_feedback():
    sender, clock = Recorder(), FakeClock()
    run(_sim(scenario="new_category", features=["c"], duration=1, rate=10), sender, clock=clock, sleep=clock.sleep)
    assert {b["inputs"][0]["c"] for b in sender.predicts} == {"unseen-c"}
    concept, clock = Recorder(), FakeClock()
    run(
        _sim(scenario="concept_drift", duration=5, rate=10, label_rate=1.0, feedback_delay=2),
        concept,
        clock=clock,
        sleep=clock.sleep,
    )
    assert len(concept.feedback) == sum(len(b["inputs"]) for b in concept.predicts)


def test_label_rate_controls_feedback_share():
    sender, clock = Recorder(), FakeClock()
    run(_sim(duration=50, rate=10, label_rate=0.3), sender, clock=clock, sleep=clock.sleep)
    assert 0.2 < len(sender.feedback) / len(sender.predicts) < 0.4


def test_http_sender_refuses_non_loopback_targets():
    with pytest.raises(ValueError, match="loopback"):
        HttpSender("http://10.0.0.5:8000", "t")
    HttpSender("http://127.0.0.1:8000", "t")
    HttpSender("http://localhost:8000", "t")


@pytest.mark.django_db
def test_simulate_api_action_sends_real_traffic_and_feedback(team):
    from serving.services import deployment_create
    from tests.monitoring.conftest import with_reference
    from tests.registry.models_helpers import cancer_frame, make_version
    from tests.training.conftest import upload_frame

    version = with_reference(make_version(team.project, team.users["editor"]))
    deployment_create(project=team.project, user=team.users["maintainer"], name="api", version=version)
    upload_frame(team, "cancer", cancer_frame().to_csv(index=False).encode())
    url = f"/api/v1/projects/{team.project.slug}/deployments/api/simulate/"
    bad = team.client("maintainer").post(url, {"dataset": "cancer", "scenario": "sudden_shift"}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "features"
    assert team.client("editor").post(url, {"dataset": "cancer"}, format="json").status_code == 403
    body = {
        "dataset": "cancer",
        "scenario": "sudden_shift",
        "features": ["mean_radius"],
        "k": 2,
        "rate": 200,
        "duration": 5,
        "max_requests": 20,
        "label_rate": 0.5,
    }
    response = team.client("maintainer").post(url, body, format="json")
    assert response.status_code == 202, response.content
    result = response.json()["result"]
    assert result["requests"] == 20 and result["predictions"] == 20 and result["errors"] == 0
    assert PredictionLog.objects.count() == 20
    assert Feedback.objects.count() == result["feedback"] > 0
