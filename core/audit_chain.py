"""The audit log's hash chain. Pure: no Django imports, so the data migration and the verifier share it.

Every event stores ``prev_hash`` (the hash of the previous event of the same chain, "" for the first) and
``hash`` = sha256 over a canonical JSON of its own fields plus ``prev_hash``. A chain is one project's events
(keyed by ``project_slug``, which survives the project's deletion); events without a project form the chain
keyed "". Changing, removing or reordering any event breaks the link to its successor. Cutting the newest events
or recomputing the hashes after a change does not: the signed checkpoints of core/audit_checkpoints.py catch those.

Foreign keys (``project_id``, ``actor_id``) are not hashed: the database sets them to NULL when the project or
the user is deleted. Their human-readable copies (``project_slug``, ``actor_label``) are hashed instead.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# An event's own fields, in the order the API shows them.
EVENT_FIELDS = (
    "uid",
    "created_at",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "data",
    "method",
    "path",
    "status_code",
    "ip",
    "user_agent",
    "request_id",
)
# The hash covers the event's fields and its chain key (the JSON is hashed with sorted keys: order is free).
HASHED_FIELDS = ("project_slug", *EVENT_FIELDS)


def _json_normal(value: Any) -> Any:
    """``value`` as it reads back from a JSON column: str keys, lists, and numbers as Postgres' jsonb prints them.

    jsonb prints numbers without exponent, so a float of 1e16 or more that is integral reads back as an int,
    and it has no negative zero.
    """
    if isinstance(value, dict):
        return {str(key): _json_normal(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_normal(item) for item in value]
    if isinstance(value, float) and math.isfinite(value):
        if value == 0:
            return 0.0
        if value.is_integer() and abs(value) >= 1e16:
            return int(value)
    return value


def _canonical_value(name: str, value: Any) -> Any:
    if name == "data":
        return _json_normal(value)
    if value is None:
        return None
    if name == "created_at":
        assert isinstance(value, datetime)
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if name == "ip":
        return str(ipaddress.ip_address(value))
    if name == "uid":
        return str(value)
    return value


def canonical_json(fields: Mapping[str, Any], prev_hash: str) -> bytes:
    """The bytes that are hashed: sorted keys, no whitespace, UTF-8."""
    payload = {name: _canonical_value(name, fields[name]) for name in HASHED_FIELDS}
    payload["prev_hash"] = prev_hash
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def event_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    return hashlib.sha256(canonical_json(fields, prev_hash)).hexdigest()


def lock_key(chain: str) -> int:
    """A signed 64-bit key for ``pg_advisory_xact_lock``: one lock per chain."""
    digest = hashlib.sha256(f"keel.audit:{chain}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@dataclass(frozen=True)
class BrokenLink:
    event_id: int
    chain: str
    reason: str


def verify_chain(events: Iterable[Mapping[str, Any]]) -> tuple[int, BrokenLink | None]:
    """Walk one chain's events in insertion order: how many were checked, and the first whose links do not hold."""
    previous = ""
    checked = 0
    for event in events:
        checked += 1
        chain = event["project_slug"]
        if event["prev_hash"] != previous:
            return checked, BrokenLink(event["id"], chain, "prev_hash does not match the previous event's hash")
        if event["hash"] != event_hash(event, event["prev_hash"]):
            return checked, BrokenLink(event["id"], chain, "hash does not match the event's content")
        previous = event["hash"]
    return checked, None


def chained(events: Iterable[Mapping[str, Any]]) -> Iterator[tuple[Any, str, str]]:
    """(id, prev_hash, hash) for events of one chain in insertion order: used to chain rows written before."""
    previous = ""
    for event in events:
        digest = event_hash(event, previous)
        yield event["id"], previous, digest
        previous = digest
