"""Checking a name taken from a URL path with the same rule as the models' name fields."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from core.errors import ValidationFailed
from core.models import name_validator


def checked_name(field: str, value: str) -> str:
    """``value`` if it is a valid object name, else a 400 naming ``field``."""
    try:
        name_validator(value)
    except ValidationError as exc:
        raise ValidationFailed.field(field, exc.messages[0]) from None
    return value
