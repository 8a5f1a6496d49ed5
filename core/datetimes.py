"""UTC normalisation of date-times. Pure (no Django), so the search grammar can use it."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_datetime(value: datetime) -> datetime:
    """``value`` in UTC (naive values are taken as UTC). PostgreSQL accepts UTC offsets up to 15:59 while Python
    allows 23:59, so a client's offset is never passed on; ValueError when the instant is outside datetime's range."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("out of range") from None
