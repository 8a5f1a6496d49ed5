"""The webhook event types: one constant, so other apps add their types here. Pure: no Django imports."""

from __future__ import annotations

from collections.abc import Iterable

WILDCARD = "*"
PING = "webhook.ping"

# type -> what it means (shown in the API description). Add new types here; receivers see them as `type`.
WEBHOOK_EVENT_TYPES: dict[str, str] = {
    "model_version.created": "A model version was registered.",
    "model_version.approved": "A model version was approved.",
    "model_version.rejected": "A model version was rejected.",
    "model_alias.moved": "A model alias now points to another version.",
    "model_version.unhealthy": "A model version's artifact failed its hash check and gets no traffic.",
    PING: "A test delivery sent by `POST …/webhooks/{id}/ping/`.",
}


def subscribable_event_types() -> list[str]:
    """What a subscription may list: every event type, and ``*`` for all of them."""
    return [WILDCARD, *WEBHOOK_EVENT_TYPES]


def invalid_event_types(event_types: Iterable[str]) -> list[str]:
    allowed = set(subscribable_event_types())
    return [event_type for event_type in event_types if event_type not in allowed]


def subscribes_to(event_types: Iterable[str], event_type: str) -> bool:
    subscribed = set(event_types)
    return WILDCARD in subscribed or event_type in subscribed
