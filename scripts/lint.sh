#!/usr/bin/env bash
# Lint, format check, type check and the import contracts (.importlinter).
source "$(dirname "$0")/lib.sh"
ensure_venv
uv run --frozen ruff check .
uv run --frozen ruff format --check .
uv run --frozen mypy .
uv run --frozen lint-imports
