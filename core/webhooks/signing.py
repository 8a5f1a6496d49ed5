"""Signing webhook deliveries, and verifying them on the receiving side. Pure: no Django imports.

Every delivery carries these headers:

    X-Keel-Delivery:   the delivery's uuid (also the body's ``id``; a redelivery gets a new one)
    X-Keel-Event:      the event type, e.g. ``model_version.approved``
    X-Keel-Timestamp:  unix seconds when this attempt was signed
    X-Keel-Signature:  ``sha256=`` + hex HMAC-SHA256 of ``f"{timestamp}.{body}"`` keyed with the subscription secret

The timestamp is inside the signed message, so a captured request cannot be replayed later with a fresh
timestamp; receivers reject old timestamps (see :func:`verify_signature`).
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_PREFIX = "sha256="
DEFAULT_TOLERANCE = 300

DELIVERY_HEADER = "X-Keel-Delivery"
EVENT_HEADER = "X-Keel-Event"
TIMESTAMP_HEADER = "X-Keel-Timestamp"
SIGNATURE_HEADER = "X-Keel-Signature"


def _as_bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


def sign(secret: str, timestamp: int | str, body: str | bytes) -> str:
    """``sha256=<hex>``: the HMAC-SHA256 of ``f"{timestamp}.{body}"`` with ``secret``."""
    message = f"{timestamp}.".encode() + _as_bytes(body)
    digest = hmac.new(_as_bytes(secret), message, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_PREFIX}{digest}"


def signature_headers(
    *, secret: str, delivery_id: str, event_type: str, body: bytes, timestamp: int | None = None
) -> dict[str, str]:
    """The four X-Keel-* headers for one attempt, signed now unless ``timestamp`` is given."""
    stamp = int(time.time()) if timestamp is None else timestamp
    return {
        DELIVERY_HEADER: delivery_id,
        EVENT_HEADER: event_type,
        TIMESTAMP_HEADER: str(stamp),
        SIGNATURE_HEADER: sign(secret, stamp, body),
    }


def verify_signature(
    secret: str,
    timestamp: str | int,
    body: str | bytes,
    signature: str,
    tolerance: int = DEFAULT_TOLERANCE,
    *,
    now: float | None = None,
) -> bool:
    """Whether a delivery is authentic and fresh. For receivers: copy this function, it needs only the stdlib.

    Pass the subscription secret, the ``X-Keel-Timestamp`` and ``X-Keel-Signature`` headers, and the raw request
    body exactly as received (bytes, before any JSON parsing). Returns False when the timestamp is not an integer
    or is more than ``tolerance`` seconds away from ``now`` (replay protection; keep clocks in sync with NTP), or
    when the signature does not match (compared in constant time). Example (Flask)::

        ok = verify_signature(SECRET, request.headers["X-Keel-Timestamp"], request.get_data(),
                              request.headers["X-Keel-Signature"])
        if not ok:
            abort(401)

    Deliveries are at least once: deduplicate on ``X-Keel-Delivery``.
    """
    try:
        stamp = int(timestamp)
    except (TypeError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - stamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, stamp, body), signature.strip())
