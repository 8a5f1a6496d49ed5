"""Locust scenario for Keel: predictions with A/B routing and feedback, plus dashboard and API reads.

Configured by environment variables (``bench/bench_load.py`` sets them):

- ``KEEL_BENCH_PROJECT``, ``KEEL_BENCH_DEPLOYMENT``: where to send traffic
- ``KEEL_BENCH_TOKEN``: a bearer token of a project member (predict, feedback and API reads)
- ``KEEL_BENCH_USERNAME``, ``KEEL_BENCH_PASSWORD``: the same member's login, for the dashboard (session)
- ``KEEL_BENCH_ROWS``: a JSON file with a list of input rows (objects of feature values)

Run by hand: ``uv run locust -f bench/locustfile.py --host http://127.0.0.1:8000`` (web UI) or headless with
``--headless -u 8 -r 4 -t 60s``.
"""

from __future__ import annotations

import json
import os
import random
import uuid
from collections import deque

from locust import HttpUser, between, task

PROJECT = os.environ.get("KEEL_BENCH_PROJECT", "bench")
DEPLOYMENT = os.environ.get("KEEL_BENCH_DEPLOYMENT", "api")
TOKEN = os.environ.get("KEEL_BENCH_TOKEN", "")
USERNAME = os.environ.get("KEEL_BENCH_USERNAME", "")
PASSWORD = os.environ.get("KEEL_BENCH_PASSWORD", "")
ROWS_FILE = os.environ.get("KEEL_BENCH_ROWS", "")
BASE = f"/api/v1/projects/{PROJECT}/deployments/{DEPLOYMENT}/"


def _rows() -> list[dict[str, float]]:
    if not ROWS_FILE:
        return []
    with open(ROWS_FILE) as handle:
        return list(json.load(handle))


ROWS = _rows()


class KeelUser(HttpUser):
    wait_time = between(0.0, 0.05)

    def on_start(self) -> None:
        self.api = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        self.predicted: deque[tuple[str, int]] = deque(maxlen=200)
        if USERNAME:
            self.client.get("/accounts/login/", name="login")
            csrf = self.client.cookies.get("csrftoken", "")
            self.client.post(
                "/accounts/login/",
                data={"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": csrf},
                headers={"Referer": f"{self.host}/accounts/login/"},
                name="login",
            )

    @task(12)
    def predict(self) -> None:
        row = random.choice(ROWS)
        body = {"inputs": [row], "routing_key": uuid.uuid4().hex}  # a new key per request: both A/B arms
        with self.client.post(
            BASE + "predict/", json=body, headers=self.api, name="predict", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            answer = response.json()
            self.predicted.append((answer["prediction_ids"][0], answer["predictions"][0]))

    @task(4)
    def feedback(self) -> None:
        if not self.predicted:
            return
        prediction_id, predicted = self.predicted.popleft()
        label = predicted if random.random() < 0.9 else 1 - int(predicted)
        self.client.post(
            BASE + "feedback/",
            json={"prediction_id": prediction_id, "value": label},
            headers=self.api,
            name="feedback",
        )

    @task(2)
    def api_reads(self) -> None:
        self.client.get(BASE, headers=self.api, name="deployment detail")
        self.client.get(BASE + "predictions/", headers=self.api, name="prediction log")
        self.client.get(BASE + "ab-analysis/", headers=self.api, name="ab analysis")

    @task(1)
    def dashboard(self) -> None:
        if not USERNAME:
            return
        for path, name in (
            (f"/dashboard/{PROJECT}/deployments/{DEPLOYMENT}/data.json", "dashboard data"),
            ("/dashboard/", "dashboard overview"),
        ):
            with self.client.get(path, name=name, catch_response=True) as response:
                if response.status_code != 200 or "/accounts/login/" in response.url:
                    response.failure(f"{response.status_code} at {response.url}")
