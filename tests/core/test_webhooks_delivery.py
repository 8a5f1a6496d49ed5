"""Webhook delivery against a real local HTTP listener: signing, retries, permanent failures, redelivery, the
SSRF guard at delivery time, idempotent claims and sending only on commit. Tasks run synchronously here; backoff
is checked on the recorded times, never slept."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from core.errors import ValidationFailed
from core.models import Project
from core.webhooks import delivery as delivery_module
from core.webhooks import transport
from core.webhooks.delivery import SendResult, backoff_seconds, decide, parse_retry_after, webhook_delivery_attempt
from core.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from core.webhooks.services import webhook_emit, webhook_redeliver, webhook_send, webhook_subscription_create
from core.webhooks.signing import verify_signature
from core.webhooks.ssrf import Target, parse_url
from core.webhooks.tasks import deliver_webhook, sweep_webhook_deliveries
from tests.factories import ProjectFactory

PAYLOAD = {"model": "churn", "version": 3, "metrics": {"f1": 0.91}}


# --- a local HTTP listener --------------------------------------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.connections = 0
        self.received: list[Received] = []
        self.script: list[tuple[int, dict[str, str]]] = []

    def verify_request(self, request: Any, client_address: Any) -> bool:
        self.connections += 1  # every accepted TCP connection, whatever happens next
        return True


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.received.append(Received(self.path, dict(self.headers.items()), body))
        status, headers = self.server.script.pop(0) if self.server.script else (200, {})
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Listener:
    server: _Server
    port: int
    script: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    def url(self, host: str = "127.0.0.1", path: str = "/hooks/keel") -> str:
        return f"http://{host}:{self.port}{path}"

    @property
    def connections(self) -> int:
        return self.server.connections

    @property
    def received(self) -> list[Received]:
        return self.server.received

    def respond(self, *responses: tuple[int, dict[str, str]]) -> None:
        self.server.script.extend(responses)


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield Listener(server=server, port=server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def allow_local(settings) -> None:
    settings.KEEL_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1"]


@pytest.fixture
def retries(monkeypatch) -> list[dict[str, Any]]:
    """Record the retries the task schedules instead of running them."""
    scheduled: list[dict[str, Any]] = []
    monkeypatch.setattr(deliver_webhook, "apply_async", lambda **kwargs: scheduled.append(kwargs))
    return scheduled


def _subscribe(project: Project, url: str, event_types: list[str] | None = None) -> WebhookSubscription:
    return webhook_subscription_create(project=project, actor=None, url=url, event_types=event_types or ["*"])


def _make_due(delivery: WebhookDelivery) -> None:
    """Time passes: the retry is due now."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def _seconds_to_next(delivery: WebhookDelivery) -> float:
    assert delivery.next_attempt_at is not None and delivery.last_attempt_at is not None
    return (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()


# --- pure retry decisions -----------------------------------------------------------------------------------------


def test_backoff_doubles_from_30_seconds_and_caps_at_an_hour():
    assert [backoff_seconds(n) for n in range(1, 9)] == [30, 60, 120, 240, 480, 960, 1920, 3600]


def test_decide_retries_connection_errors_429_and_5xx_and_fails_other_answers():
    assert decide(SendResult(status_code=204), 1).status == DeliveryStatus.DELIVERED
    assert decide(SendResult(status_code=503), 2) == delivery_module.Verdict(DeliveryStatus.RETRYING, 60.0)
    assert decide(SendResult(error="timed out", retryable=True), 1).delay == 30.0
    assert decide(SendResult(status_code=429, retry_after=7), 1).delay == 7.0
    assert decide(SendResult(status_code=429, retry_after=86400), 1).delay == 3600.0
    assert decide(SendResult(status_code=429), 3).delay == 120.0
    for code in (301, 400, 401, 404, 410, 422):
        assert decide(SendResult(status_code=code), 1).status == DeliveryStatus.FAILED
    assert decide(SendResult(error="refused: private"), 1).status == DeliveryStatus.FAILED
    assert decide(SendResult(status_code=500), 8).status == DeliveryStatus.FAILED


def test_parse_retry_after_reads_seconds_and_http_dates():
    now = timezone.now().replace(microsecond=0)
    later = (now + timedelta(seconds=90)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after(later, now) == 90.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


# --- delivering to a real listener ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_delivery_is_signed_and_the_signature_verifies(listener, allow_local, django_capture_on_commit_callbacks):
    project = ProjectFactory(slug="alpha")
    subscription = _subscribe(project, listener.url(), ["model_version.created"])
    with django_capture_on_commit_callbacks(execute=True):
        [created] = webhook_emit(project=project, event_type="model_version.created", payload=PAYLOAD)

    [request] = listener.received
    headers = request.headers
    assert request.path == "/hooks/keel"
    assert headers["Content-Type"] == "application/json"
    assert headers["Host"] == f"127.0.0.1:{listener.port}"
    assert headers["X-Keel-Delivery"] == str(created.uid)
    assert headers["X-Keel-Event"] == "model_version.created"
    assert abs(int(headers["X-Keel-Timestamp"]) - time.time()) < 60
    assert verify_signature(subscription.secret, headers["X-Keel-Timestamp"], request.body, headers["X-Keel-Signature"])
    assert not verify_signature(
        "whsec_wrong-secret-000000", headers["X-Keel-Timestamp"], request.body, headers["X-Keel-Signature"]
    )
    body = json.loads(request.body)
    assert body["id"] == str(created.uid)
    assert body["type"] == "model_version.created"
    assert body["project"] == "alpha"
    assert body["data"] == PAYLOAD
    assert body["created_at"]
    created.refresh_from_db()
    assert created.request_body.encode() == request.body
    assert (created.status, created.attempts, created.last_response_code) == (DeliveryStatus.DELIVERED, 1, 200)
    assert created.delivered_at is not None and created.next_attempt_at is None
    assert created.last_duration_ms is not None and created.last_error == ""


@pytest.mark.django_db
def test_emit_reaches_only_active_subscriptions_that_want_the_event(listener, allow_local):
    project = ProjectFactory()
    wants = _subscribe(project, listener.url(path="/a"), ["model_version.approved", "model_alias.moved"])
    everything = _subscribe(project, listener.url(path="/b"), ["*"])
    _subscribe(project, listener.url(path="/c"), ["model_version.rejected"])
    inactive = _subscribe(project, listener.url(path="/d"), ["*"])
    inactive.is_active = False
    inactive.save()
    _subscribe(ProjectFactory(), listener.url(path="/e"), ["*"])  # another project

    deliveries = webhook_emit(project=project, event_type="model_alias.moved", payload={"alias": "prod"})

    assert {d.subscription_id for d in deliveries} == {wants.pk, everything.pk}
    assert all(d.status == DeliveryStatus.PENDING and d.attempts == 0 for d in deliveries)


@pytest.mark.django_db
def test_emit_refuses_an_unknown_event_type():
    with pytest.raises(ValueError, match="WEBHOOK_EVENT_TYPES"):
        webhook_emit(project=ProjectFactory(), event_type="model.exploded", payload={})


@pytest.mark.django_db
def test_retries_with_backoff_on_500_and_429_then_delivers(listener, allow_local, retries):
    project = ProjectFactory()
    _subscribe(project, listener.url())
    [delivery] = webhook_emit(project=project, event_type="model_version.approved", payload=PAYLOAD)
    listener.respond((500, {}), (429, {"Retry-After": "120"}), (200, {}))

    assert deliver_webhook(delivery.pk) == DeliveryStatus.RETRYING
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == ("retrying", 1, 500)
    assert delivery.last_error == "HTTP 500"
    assert 30 <= _seconds_to_next(delivery) < 33
    assert retries == [{"args": [delivery.pk], "eta": delivery.next_attempt_at, "queue": "default"}]
    assert deliver_webhook(delivery.pk) == "skipped"  # the retry message is not due yet: nothing is sent
    assert len(listener.received) == 1

    _make_due(delivery)
    assert deliver_webhook(delivery.pk) == DeliveryStatus.RETRYING
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_response_code) == (2, 429)
    assert 120 <= _seconds_to_next(delivery) < 123  # Retry-After wins over the 60 s backoff
    assert retries[-1]["eta"] == delivery.next_attempt_at

    _make_due(delivery)
    assert deliver_webhook(delivery.pk) == DeliveryStatus.DELIVERED
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == ("delivered", 3, 200)
    assert delivery.next_attempt_at is None and delivery.last_error == ""
    assert len(retries) == 2
    assert len(listener.received) == 3
    assert len({r.headers["X-Keel-Delivery"] for r in listener.received}) == 1  # same delivery id on every attempt


@pytest.mark.django_db
def test_gives_up_after_eight_attempts_with_growing_backoff(listener, allow_local, retries):
    project = ProjectFactory()
    _subscribe(project, listener.url())
    [delivery] = webhook_emit(project=project, event_type="model_version.created", payload=PAYLOAD)
    listener.respond(*[(502, {})] * 8)
    delays = []
    for _ in range(8):
        deliver_webhook(delivery.pk)
        delivery.refresh_from_db()
        if delivery.status == DeliveryStatus.RETRYING:
            delays.append(round(_seconds_to_next(delivery)))
            _make_due(delivery)
    assert delays == [30, 60, 120, 240, 480, 960, 1920]
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 8, None)
    assert delivery.last_error == "HTTP 502 (gave up after 8 attempts)"
    assert len(retries) == 7


@pytest.mark.django_db
def test_connection_errors_are_retried(allow_local, retries):
    project = ProjectFactory()
    closed = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = closed.server_address[1]
    closed.server_close()  # nothing listens on this port any more
    _subscribe(project, f"http://127.0.0.1:{port}/")
    [delivery] = webhook_emit(project=project, event_type="model_version.created", payload=PAYLOAD)
    assert deliver_webhook(delivery.pk) == DeliveryStatus.RETRYING
    delivery.refresh_from_db()
    assert delivery.last_response_code is None
    assert "Connection" in delivery.last_error or "refused" in delivery.last_error
    assert len(retries) == 1


@pytest.mark.django_db
def test_404_fails_permanently_without_retry(listener, allow_local, retries):
    project = ProjectFactory()
    _subscribe(project, listener.url())
    [delivery] = webhook_emit(project=project, event_type="model_version.rejected", payload=PAYLOAD)
    listener.respond((404, {}))
    assert deliver_webhook(delivery.pk) == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == ("failed", 1, 404)
    assert delivery.next_attempt_at is None and delivery.last_error == "HTTP 404"
    assert delivery.last_response_body == "ok"
    assert retries == []
    assert deliver_webhook(delivery.pk) == "skipped"
    assert len(listener.received) == 1


@pytest.mark.django_db
def test_redelivery_sends_a_failed_delivery_again_as_a_new_delivery(
    listener, allow_local, django_capture_on_commit_callbacks
):
    project = ProjectFactory()
    subscription = _subscribe(project, listener.url())
    [failed] = webhook_emit(project=project, event_type="model_version.created", payload=PAYLOAD)
    listener.respond((410, {}))
    deliver_webhook(failed.pk)
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.FAILED

    with django_capture_on_commit_callbacks(execute=True):
        again = webhook_redeliver(delivery=failed, actor=None)

    again.refresh_from_db()
    assert (again.status, again.attempts, again.redelivery_of_id) == ("delivered", 1, failed.pk)
    assert again.uid != failed.uid
    first, second = (json.loads(r.body) for r in listener.received)
    assert second["id"] == str(again.uid) == listener.received[1].headers["X-Keel-Delivery"]
    assert (second["type"], second["data"], second["created_at"]) == (first["type"], first["data"], first["created_at"])
    assert verify_signature(
        subscription.secret,
        listener.received[1].headers["X-Keel-Timestamp"],
        listener.received[1].body,
        listener.received[1].headers["X-Keel-Signature"],
    )
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("failed", 1)  # the original keeps its history


@pytest.mark.django_db
def test_send_reaches_one_subscription_directly_and_raw_bodies_are_redelivered_as_is(
    listener, allow_local, django_capture_on_commit_callbacks
):
    project = ProjectFactory()
    channel = WebhookSubscription.objects.create(
        project=project, url=listener.url(), secret="whsec_channel-0123456789", event_types=[]
    )
    assert webhook_emit(project=project, event_type="model_version.created", payload=PAYLOAD) == []
    slack = json.dumps({"text": "[WARNING] p95 latency firing"})
    with django_capture_on_commit_callbacks(execute=True):
        wrapped = webhook_send(subscription=channel, event_type="alert.firing", payload={"rule": "latency"})
        raw = webhook_send(subscription=channel, event_type="alert.firing", body=slack)
    raw.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        again = webhook_redeliver(delivery=raw, actor=None)

    bodies = [r.body.decode() for r in listener.received]
    assert json.loads(bodies[0])["data"] == {"rule": "latency"} and json.loads(bodies[0])["id"] == str(wrapped.uid)
    assert bodies[1:] == [slack, slack]
    assert listener.received[2].headers["X-Keel-Delivery"] == str(again.uid)
    assert verify_signature(
        channel.secret,
        listener.received[2].headers["X-Keel-Timestamp"],
        slack,
        listener.received[2].headers["X-Keel-Signature"],
    )


@pytest.mark.django_db
def test_a_delivered_delivery_is_not_sent_again_when_its_message_is_redelivered(
    listener, allow_local, django_capture_on_commit_callbacks
):
    project = ProjectFactory()
    _subscribe(project, listener.url())
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhook_emit(project=project, event_type="model_version.created", payload=PAYLOAD)
    assert deliver_webhook(delivery.pk) == "skipped"
    assert deliver_webhook(delivery.pk) == "skipped"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
    assert listener.connections == 1


@pytest.mark.django_db
def test_an_attempt_leased_to_another_worker_is_looked_at_again_when_the_lease_ends(listener, allow_local):
    project = ProjectFactory()
    _subscribe(project, listener.url())
    [delivery] = webhook_emit(project=project, event_type="model_version.created", payload=PAYLOAD)
    lease = timezone.now() + timedelta(seconds=60)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(claimed_until=lease)

    outcome = webhook_delivery_attempt(delivery_id=delivery.pk)

    assert outcome.status == "skipped"
    assert outcome.retry_at == lease + timedelta(seconds=1)
    assert listener.connections == 0
    WebhookDelivery.objects.filter(pk=delivery.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert webhook_delivery_attempt(delivery_id=delivery.pk).status == DeliveryStatus.DELIVERED  # crashed worker


@pytest.mark.django_db
def test_sweep_re_enqueues_overdue_deliveries_whose_message_was_lost(listener, allow_local):
    project = ProjectFactory()
    _subscribe(project, listener.url())
    [lost, fresh] = [
        webhook_emit(project=project, event_type="model_version.created", payload=PAYLOAD)[0] for _ in range(2)
    ]
    WebhookDelivery.objects.filter(pk=lost.pk).update(next_attempt_at=timezone.now() - timedelta(hours=1))

    assert sweep_webhook_deliveries() == 1  # eager: the re-enqueued attempt runs now

    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert (lost.status, fresh.status) == ("delivered", "pending")
    assert len(listener.received) == 1


# --- https: the pinned address with the URL's name in SNI, Host and certificate checks -----------------------------


@pytest.fixture
def tls_listener(tmp_path, monkeypatch) -> Iterator[tuple[Listener, list[str]]]:
    """An https listener on 127.0.0.1 with a certificate for hooks.keel.test, trusted by the transport."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("needs the openssl command to make a test certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subject = ["-subj", "/CN=hooks.keel.test", "-addext", "subjectAltName=DNS:hooks.keel.test"]
    files = ["-keyout", str(key), "-out", str(cert)]
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", *files, *subject],
        check=True,
        capture_output=True,
    )
    server_names: list[str] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: server_names.append(name)  # type: ignore[assignment,misc]
    server = _Server()
    server.socket = context.wrap_socket(server.socket, server_side=True)
    original = ssl.create_default_context
    monkeypatch.setattr(ssl, "create_default_context", lambda: original(cafile=str(cert)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield Listener(server=server, port=server.server_address[1]), server_names
    finally:
        server.shutdown()
        server.server_close()


def test_https_dials_the_checked_address_but_speaks_to_the_named_host(tls_listener):
    listener, server_names = tls_listener
    target = Target(url=parse_url(f"https://hooks.keel.test:{listener.port}/in"), address="127.0.0.1")
    result = transport.post(target, b"{}", {"X-Test": "1"}, connect_timeout=3, read_timeout=10)
    assert result.status == 200
    assert server_names == ["hooks.keel.test"]
    assert listener.received[0].headers["Host"] == f"hooks.keel.test:{listener.port}"


def test_https_refuses_a_certificate_for_another_name(tls_listener):
    listener, _ = tls_listener
    target = Target(url=parse_url(f"https://other.keel.test:{listener.port}/in"), address="127.0.0.1")
    with pytest.raises(transport.TransportError, match="CERTIFICATE_VERIFY_FAILED"):
        transport.post(target, b"{}", {}, connect_timeout=3, read_timeout=10)
    assert listener.received == []


# --- the SSRF guard at delivery time ------------------------------------------------------------------------------

INTERNAL_HOSTS = ["127.0.0.1", "localhost", "10.0.0.1", "169.254.169.254", "[::1]", "[::ffff:127.0.0.1]"]


@pytest.mark.django_db
@pytest.mark.parametrize("host", INTERNAL_HOSTS)
def test_internal_targets_are_refused_and_never_connected(host, listener, settings, retries):
    settings.KEEL_WEBHOOK_ALLOWED_NETWORKS = []
    project = ProjectFactory()
    url = listener.url(host=host)
    with pytest.raises(ValidationFailed, match="not a public address"):
        _subscribe(project, url)
    # As if DNS had changed since the subscription was checked: the guard runs again before connecting.
    WebhookSubscription.objects.create(project=project, url=url, secret="whsec_s3cret-0123456789", event_types=["*"])
    [delivery] = webhook_emit(project=project, event_type="model_version.created", payload=PAYLOAD)

    assert deliver_webhook(delivery.pk) == DeliveryStatus.FAILED

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == ("failed", 1, None)
    assert delivery.last_error.startswith("refused: ") and "not a public address" in delivery.last_error
    assert retries == []
    assert listener.connections == 0
    assert listener.received == []


# --- only on commit -------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_emit_inside_a_rolled_back_transaction_sends_nothing(listener, allow_local):
    project = ProjectFactory()
    _subscribe(project, listener.url())

    with pytest.raises(RuntimeError), transaction.atomic():
        webhook_emit(project=project, event_type="model_version.approved", payload=PAYLOAD)
        raise RuntimeError("the registry change failed")

    assert WebhookDelivery.objects.count() == 0
    assert listener.connections == 0

    with transaction.atomic():
        webhook_emit(project=project, event_type="model_version.approved", payload=PAYLOAD)
        assert listener.connections == 0  # not before the commit
    assert listener.connections == 1
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED


# --- a real worker ------------------------------------------------------------------------------------------------


@pytest.fixture
def worker_allowing_local(transactional_db, monkeypatch, allow_local) -> Iterator[None]:
    from django.conf import settings
    from django.db import connection

    from config.celery import app as celery_app
    from tests.integration.conftest import ROOT, start_worker, stop_worker, wait_ready

    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL:
        pytest.skip("integration tests need Postgres (DATABASE_URL) and Redis (REDIS_URL)")
    monkeypatch.setenv("KEEL_WEBHOOK_ALLOWED_NETWORKS", "127.0.0.1")
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    celery_app.conf.task_always_eager = False
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge("default")
    proc = start_worker(queues="default")
    try:
        wait_ready()
        yield
    finally:
        stop_worker(proc)


@pytest.mark.integration
def test_a_real_worker_delivers_after_commit(listener, worker_allowing_local):
    project = ProjectFactory()
    subscription = _subscribe(project, listener.url())
    with transaction.atomic():
        [delivery] = webhook_emit(project=project, event_type="model_version.created", payload=PAYLOAD)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not listener.received:
        time.sleep(0.2)
    while time.monotonic() < deadline and WebhookDelivery.objects.get(pk=delivery.pk).status == "pending":
        time.sleep(0.2)

    [request] = listener.received
    assert verify_signature(
        subscription.secret, request.headers["X-Keel-Timestamp"], request.body, request.headers["X-Keel-Signature"]
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
