"""One webhook delivery attempt: claim the row, check the target, sign, POST, record, decide on a retry.

Idempotent under redelivered messages: a worker claims an attempt with a conditional update that only matches
an open (pending or retrying), due and unleased delivery, and takes a lease (``claimed_until``) for the attempt
in flight. A delivered or failed delivery is never sent again by its messages; a redelivered message that finds
a lease still held asks to be run again when the lease ends, so a crashed worker's attempt resumes.
Deliveries are at least once: a crash after the receiver answered but before the result was recorded resends
the same delivery id, which receivers use to deduplicate.

Retries: connection errors, timeouts, 429 and 5xx retry after ``30 s * 2**(attempt-1)`` (capped at one hour;
a 429's ``Retry-After`` wins), at most 8 attempts; other answers (3xx, 4xx) and refused targets fail at once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from core.webhooks import selectors, signing, ssrf, transport
from core.webhooks.models import OPEN_STATUSES, DeliveryStatus, WebhookDelivery

MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600
CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 10.0
LEASE = timedelta(seconds=120)  # longer than the task's hard time limit
CLOCK_SKEW = timedelta(seconds=5)  # a retry message may arrive a little before next_attempt_at
SWEEP_GRACE = timedelta(minutes=5)
SWEEP_BATCH = 500
RESPONSE_EXCERPT_CHARS = 2000
SKIPPED = "skipped"


def address_policy() -> ssrf.AddressPolicy:
    """The operator's exceptions to the SSRF guard (``KEEL_WEBHOOK_ALLOWED_NETWORKS``)."""
    return ssrf.AddressPolicy.from_entries(getattr(settings, "KEEL_WEBHOOK_ALLOWED_NETWORKS", []))


@dataclass(frozen=True)
class SendResult:
    status_code: int | None = None  # None: no HTTP response
    retry_after: float | None = None  # seconds, from a Retry-After header
    response_body: str = ""
    error: str = ""
    retryable: bool = False  # for results without a response: worth trying again
    duration_ms: int = 0


@dataclass(frozen=True)
class Verdict:
    status: str
    delay: float | None = None  # seconds to the next attempt when retrying


@dataclass(frozen=True)
class AttemptOutcome:
    status: str  # a DeliveryStatus, or SKIPPED when this message had nothing to do
    retry_at: datetime | None = None  # when the task should run again for this delivery


# --- pure decisions -----------------------------------------------------------------------------------------------


def backoff_seconds(attempt: int) -> float:
    """Delay after failed attempt number ``attempt`` (1-based): 30 s, 60 s, 120 s, … capped at one hour."""
    return float(min(BACKOFF_BASE_SECONDS * 2 ** max(attempt - 1, 0), BACKOFF_CAP_SECONDS))


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds from a ``Retry-After`` header (delta seconds or an HTTP date); None when absent or malformed."""
    text = (value or "").strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    when = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _retryable(result: SendResult) -> bool:
    code = result.status_code
    return result.retryable if code is None else code == 429 or code >= 500


def decide(result: SendResult, attempts: int) -> Verdict:
    """Delivered on 2xx; retry on connection errors, 429 and 5xx until ``MAX_ATTEMPTS``; fail otherwise."""
    code = result.status_code
    if code is not None and 200 <= code < 300:
        return Verdict(DeliveryStatus.DELIVERED)
    if not _retryable(result) or attempts >= MAX_ATTEMPTS:
        return Verdict(DeliveryStatus.FAILED)
    delay = backoff_seconds(attempts)
    if code == 429 and result.retry_after is not None:
        delay = min(max(result.retry_after, 1.0), float(BACKOFF_CAP_SECONDS))
    return Verdict(DeliveryStatus.RETRYING, delay)


# --- claim, send, record ------------------------------------------------------------------------------------------


def _claim(delivery_id: int, now: datetime) -> WebhookDelivery | None:
    """Take the attempt if the delivery is open, due and not leased to another worker (race-safe)."""
    claimed = (
        WebhookDelivery.objects.filter(pk=delivery_id, status__in=OPEN_STATUSES, next_attempt_at__lte=now + CLOCK_SKEW)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + LEASE, attempts=F("attempts") + 1, last_attempt_at=now)
    )
    if claimed != 1:
        return None
    return WebhookDelivery.objects.select_related("subscription", "project").get(pk=delivery_id)


def _unclaimed(delivery_id: int, now: datetime) -> AttemptOutcome:
    """Nothing to send now. If another worker's lease holds an open delivery, look again when it ends."""
    lease = (
        WebhookDelivery.objects.open()
        .filter(pk=delivery_id, claimed_until__gte=now)
        .values_list("claimed_until", flat=True)
        .first()
    )
    return AttemptOutcome(SKIPPED, retry_at=lease + timedelta(seconds=1) if lease is not None else None)


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _post(delivery: WebhookDelivery) -> transport.HttpResult:
    target = ssrf.resolve_target(delivery.subscription.url, address_policy())
    body = delivery.request_body.encode("utf-8")
    headers = signing.signature_headers(
        secret=delivery.subscription.secret,
        delivery_id=str(delivery.uid),
        event_type=delivery.event_type,
        body=body,
    )
    return transport.post(target, body, headers, connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT)


def _send(delivery: WebhookDelivery) -> SendResult:
    started = time.monotonic()
    try:
        response = _post(delivery)
    except ssrf.UnsafeUrl as exc:
        return SendResult(error=f"refused: {exc}", duration_ms=_elapsed_ms(started))
    except (ssrf.ResolutionFailed, transport.TransportError) as exc:
        return SendResult(error=str(exc), retryable=True, duration_ms=_elapsed_ms(started))
    except SoftTimeLimitExceeded:
        return SendResult(error="timed out (task time limit)", retryable=True, duration_ms=_elapsed_ms(started))
    return SendResult(
        status_code=response.status,
        retry_after=parse_retry_after(response.headers.get("retry-after"), timezone.now()),
        response_body=response.body.decode("utf-8", "replace")[:RESPONSE_EXCERPT_CHARS],
        duration_ms=_elapsed_ms(started),
    )


def _error_text(result: SendResult, verdict: Verdict, attempts: int) -> str:
    if verdict.status == DeliveryStatus.DELIVERED:
        return ""
    error = result.error or f"HTTP {result.status_code}"
    if verdict.status == DeliveryStatus.FAILED and _retryable(result):
        error = f"{error} (gave up after {attempts} attempts)"
    return error


def _record(delivery: WebhookDelivery, result: SendResult) -> AttemptOutcome:
    verdict = decide(result, delivery.attempts)
    now = timezone.now()
    retry_at = now + timedelta(seconds=verdict.delay) if verdict.delay is not None else None
    delivery.status = verdict.status
    delivery.last_response_code = result.status_code
    delivery.last_response_body = result.response_body
    delivery.last_error = _error_text(result, verdict, delivery.attempts)
    delivery.last_duration_ms = result.duration_ms
    delivery.next_attempt_at = retry_at
    delivery.claimed_until = None
    if verdict.status == DeliveryStatus.DELIVERED:
        delivery.delivered_at = now
    fields = ["status", "last_response_code", "last_response_body", "last_error", "last_duration_ms"]
    delivery.save(update_fields=[*fields, "next_attempt_at", "claimed_until", "delivered_at"])
    return AttemptOutcome(verdict.status, retry_at=retry_at)


def webhook_delivery_attempt(*, delivery_id: int) -> AttemptOutcome:
    """Make one attempt at a delivery if it is due; the outcome says when to run again (if ever)."""
    now = timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return _unclaimed(delivery_id, now)
    return _record(delivery, _send(delivery))


def webhook_deliveries_overdue_ids() -> list[int]:
    """Open deliveries whose message was lost (broker outage at enqueue, crash): the sweep task re-enqueues them."""
    return selectors.webhook_deliveries_overdue(now=timezone.now(), grace=SWEEP_GRACE, limit=SWEEP_BATCH)
