#!/usr/bin/env bash
# Lint, format check and type check.
source "$(dirname "$0")/lib.sh"
ensure_venv
uv run --frozen ruff check .
uv run --frozen ruff format --check .
uv run --frozen mypy .
