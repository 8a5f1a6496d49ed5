"""Demo steps for the data and experiment stages (called by `manage.py demo`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def steps() -> Iterator[tuple[str, Any]]:
    return iter(())
