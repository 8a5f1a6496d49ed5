"""Checking values taken from URLs: object names (the models' rule) and date-times (normalised to UTC)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime

from core.datetimes import utc_datetime
from core.errors import ValidationFailed
from core.models import name_validator


def checked_name(field: str, value: str) -> str:
    """``value`` if it is a valid object name, else a 400 naming ``field``."""
    try:
        name_validator(value)
    except ValidationError as exc:
        raise ValidationFailed.field(field, exc.messages[0]) from None
    return value


def parse_utc(text: str) -> datetime | None:
    """An ISO 8601 date-time from a client, in UTC; None when it is not one (or is out of range)."""
    try:
        parsed = parse_datetime(text)
        return None if parsed is None else utc_datetime(parsed)
    except ValueError:
        return None


class UtcIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    def to_python(self, value: Any) -> datetime | None:
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return utc_datetime(parsed)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date-time query filter whose value reaches the database in UTC."""

    field_class = UtcIsoDateTimeField
