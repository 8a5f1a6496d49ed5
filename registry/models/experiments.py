"""Experiments and runs: params, metric series, tags, dataset inputs, artifacts."""

from __future__ import annotations

__all__: list[str] = []
