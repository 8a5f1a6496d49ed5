"""Traffic simulator: replays rows of a dataset version against a deployment at a given rate for a bounded time,
with drift scenarios and delayed ground-truth feedback.

Scenarios: ``none``; ``sudden_shift`` (chosen numeric features + k reference std from the start);
``gradual_shift`` (the shift grows linearly to k std over the run); ``new_category`` (chosen categorical features
take a value never seen in training); ``concept_drift`` (inputs unchanged, the labels sent as feedback change:
classes rotate, regression targets scale by 1 + k/10). Feedback arrives ``feedback_delay`` seconds after the
prediction for a ``label_rate`` share of rows. Requests go through Keel's HTTP API (in-process, or to a loopback
URL), never anywhere else.
"""

from __future__ import annotations

import ipaddress
import json
import time
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlparse

import numpy as np
import pandas as pd

from registry.tabular import json_scalar

SCENARIOS = ("none", "sudden_shift", "gradual_shift", "new_category", "concept_drift")
MAX_DURATION = 3600
MAX_REQUESTS = 100_000


class Sender(Protocol):
    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]: ...


@dataclass
class Simulation:
    project: str
    deployment: str
    rows: pd.DataFrame
    target: str | None
    scenario: str = "none"
    features: list[str] = field(default_factory=list)
    k: float = 2.0
    rate: float = 10.0  # requests per second
    duration: float = 30.0  # seconds
    max_requests: int = 1000
    label_rate: float = 0.0
    feedback_delay: float = 0.0
    batch: int = 1
    seed: int = 0

    def validate(self) -> list[dict[str, str]]:
        errors = []
        if self.scenario not in SCENARIOS:
            errors.append({"field": "scenario", "message": f"one of {', '.join(SCENARIOS)}", "code": "invalid"})
        if not 0 < self.rate <= 1000:
            errors.append({"field": "rate", "message": "between 0 and 1000 per second", "code": "out_of_range"})
        if not 0 < self.duration <= MAX_DURATION:
            errors.append({"field": "duration", "message": f"at most {MAX_DURATION} s", "code": "out_of_range"})
        if not 0 < self.max_requests <= MAX_REQUESTS:
            errors.append({"field": "max_requests", "message": f"1..{MAX_REQUESTS}", "code": "out_of_range"})
        if not 0 <= self.label_rate <= 1:
            errors.append({"field": "label_rate", "message": "between 0 and 1", "code": "out_of_range"})
        missing = [f for f in self.features if f not in self.rows.columns]
        if missing:
            errors.append({"field": "features", "message": f"unknown columns {missing}", "code": "unknown_column"})
        if self.scenario in ("sudden_shift", "gradual_shift", "new_category") and not self.features:
            errors.append({"field": "features", "message": "name the features to shift", "code": "required"})
        return errors


@dataclass
class Outcome:
    requests: int = 0
    predictions: int = 0
    errors: int = 0
    feedback: int = 0
    seconds: float = 0.0
    variants: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _transform(sim: Simulation, row: dict[str, Any], progress: float, stds: dict[str, float]) -> dict[str, Any]:
    if sim.scenario in ("sudden_shift", "gradual_shift"):
        factor = sim.k if sim.scenario == "sudden_shift" else sim.k * progress
        for name in sim.features:
            if isinstance(row.get(name), int | float):
                row[name] = float(row[name]) + factor * stds.get(name, 1.0)
    elif sim.scenario == "new_category":
        for name in sim.features:
            row[name] = f"unseen-{name}"
    return row


def _label(sim: Simulation, value: Any, classes: list[Any]) -> Any:
    if sim.scenario != "concept_drift":
        return value
    if classes and value in classes:
        return classes[(classes.index(value) + 1) % len(classes)]
    if isinstance(value, int | float):
        return float(value) * (1 + sim.k / 10)
    return value


def run(
    sim: Simulation,
    sender: Sender,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Outcome:
    """Send predictions (and later their feedback) until the duration or the request cap is reached."""
    rng = np.random.default_rng(sim.seed)
    numeric = sim.rows.select_dtypes("number")
    stds = {c: float(numeric[c].std() or 1.0) for c in numeric.columns}
    classes = sorted(sim.rows[sim.target].dropna().unique().tolist()) if sim.target else []
    features = [c for c in sim.rows.columns if c != sim.target]
    base = f"/api/v1/projects/{sim.project}/deployments/{sim.deployment}/"
    pending: deque[tuple[float, str, Any]] = deque()
    outcome, started = Outcome(), clock()
    while outcome.requests < sim.max_requests and clock() - started < sim.duration:
        progress = min(1.0, (clock() - started) / sim.duration)
        picks = sim.rows.iloc[rng.integers(0, len(sim.rows), sim.batch)]
        inputs = [
            _transform(sim, {c: json_scalar(r[c]) for c in features}, progress, stds)
            for r in picks.to_dict(orient="records")
        ]
        outcome.requests += 1
        try:
            answer = sender.post(
                base + "predict/", {"inputs": inputs, "routing_key": f"sim-{rng.integers(1_000_000_000)}"}
            )
        except RuntimeError:
            outcome.errors += 1
        else:
            outcome.predictions += len(answer["prediction_ids"])
            outcome.variants[answer["variant"]] = outcome.variants.get(answer["variant"], 0) + 1
            if sim.target:
                for pid, value in zip(answer["prediction_ids"], picks[sim.target], strict=True):
                    if rng.random() < sim.label_rate:
                        pending.append((clock() + sim.feedback_delay, pid, _label(sim, json_scalar(value), classes)))
        outcome.feedback += _flush(sender, base, pending, clock(), force=False)
        sleep(max(0.0, started + outcome.requests / sim.rate - clock()))
    outcome.feedback += _flush(sender, base, pending, clock(), force=True)
    outcome.seconds = round(clock() - started, 3)
    return outcome


def _flush(sender: Sender, base: str, pending: deque[tuple[float, str, Any]], now: float, *, force: bool) -> int:
    items = []
    while pending and (force or pending[0][0] <= now):
        _, pid, value = pending.popleft()
        items.append({"prediction_id": pid, "value": value})
    for start in range(0, len(items), 500):
        sender.post(base + "feedback/", {"items": items[start : start + 500]})
    return len(items)


class HttpSender:
    """Posts to a Keel server on a loopback address only."""

    def __init__(self, base_url: str, token: str) -> None:
        host = urlparse(base_url).hostname or ""
        if host != "localhost" and not ipaddress.ip_address(host.strip("[]")).is_loopback:
            raise ValueError("the simulator only targets loopback addresses (127.0.0.0/8, ::1, localhost)")
        self.base_url, self.token = base_url.rstrip("/"), token

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 - loopback http(s) only, checked above
            self.base_url + path,
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"{exc.code}: {exc.read()[:300]!r}") from None


class InProcessSender:
    """Calls Keel's HTTP API in this process (the whole middleware, auth and audit stack), as a client would."""

    def __init__(self, token: str) -> None:
        from django.conf import settings
        from django.test import Client

        host = next((h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")), "localhost")
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", SERVER_NAME=host.strip("[]"))
        self.secure = bool(settings.SECURE_SSL_REDIRECT)

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.client.post(path, body, content_type="application/json", secure=self.secure)
        if response.status_code >= 400:
            raise RuntimeError(f"POST {path}: {response.status_code} {response.content[:300]!r}")
        return response.json()
