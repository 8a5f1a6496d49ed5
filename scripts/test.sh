#!/usr/bin/env bash
# Set up from the lockfile and run the whole test suite against real PostgreSQL and Redis.
# Usage: scripts/test.sh [pytest args]
source "$(dirname "$0")/lib.sh"
ensure_venv
ensure_postgres
ensure_redis

export DATABASE_URL="${KEEL_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/keel}"
export REDIS_URL="${KEEL_TEST_REDIS_URL:-redis://127.0.0.1:6379/14}"
export CELERY_BROKER_URL="$REDIS_URL"
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-test-only-secret-key-not-for-production-0123456789abcdef}"
export KEEL_DATA_DIR="${KEEL_DATA_DIR:-$ROOT/data/test}"
mkdir -p "$KEEL_DATA_DIR" test-artifacts

uv run --frozen pytest "$@"
