"""Datasets and their versions, schemas, validation rules and profiles."""

from __future__ import annotations

__all__: list[str] = []
