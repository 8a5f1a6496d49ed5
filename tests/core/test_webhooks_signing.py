"""Webhook signatures: what receivers verify. Pure, no database."""

from __future__ import annotations

import hashlib
import hmac
import time

from core.webhooks.signing import sign, signature_headers, verify_signature

SECRET = "whsec_test-secret-0123456789"
BODY = b'{"id":"d1","type":"model_version.created","data":{"version":3}}'


def test_sign_is_hmac_sha256_of_timestamp_dot_body():
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, 1700000000, BODY) == f"sha256={expected}"
    assert sign(SECRET, "1700000000", BODY.decode()) == f"sha256={expected}"


def test_signature_headers_name_delivery_event_timestamp_and_signature():
    headers = signature_headers(secret=SECRET, delivery_id="d1", event_type="webhook.ping", body=BODY, timestamp=42)
    assert headers == {
        "X-Keel-Delivery": "d1",
        "X-Keel-Event": "webhook.ping",
        "X-Keel-Timestamp": "42",
        "X-Keel-Signature": sign(SECRET, 42, BODY),
    }


def test_verify_signature_accepts_the_right_signature():
    now = int(time.time())
    assert verify_signature(SECRET, str(now), BODY, sign(SECRET, now, BODY))
    assert verify_signature(SECRET, now, BODY.decode(), sign(SECRET, now, BODY))


def test_verify_signature_rejects_a_tampered_body():
    now = int(time.time())
    signature = sign(SECRET, now, BODY)
    assert not verify_signature(SECRET, now, BODY.replace(b"3", b"4"), signature)


def test_verify_signature_rejects_a_wrong_secret():
    now = int(time.time())
    assert not verify_signature("whsec_another-secret-000000", now, BODY, sign(SECRET, now, BODY))


def test_verify_signature_rejects_a_stale_or_future_timestamp():
    now = 1_700_000_000
    old, future = now - 301, now + 301
    assert not verify_signature(SECRET, old, BODY, sign(SECRET, old, BODY), now=now)
    assert not verify_signature(SECRET, future, BODY, sign(SECRET, future, BODY), now=now)
    assert verify_signature(SECRET, now - 300, BODY, sign(SECRET, now - 300, BODY), now=now)
    assert not verify_signature(SECRET, old, BODY, sign(SECRET, old, BODY), tolerance=60, now=now)


def test_verify_signature_rejects_a_timestamp_swapped_under_a_valid_signature():
    now = int(time.time())
    assert not verify_signature(SECRET, now, BODY, sign(SECRET, now - 1, BODY))


def test_verify_signature_rejects_malformed_input():
    now = int(time.time())
    assert not verify_signature(SECRET, "not-a-number", BODY, sign(SECRET, now, BODY))
    assert not verify_signature(SECRET, now, BODY, "sha256=")
    assert not verify_signature(SECRET, now, BODY, "")
