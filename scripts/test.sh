#!/usr/bin/env bash
# Set up from the lockfile and run the whole test suite against real PostgreSQL and Redis.
# Usage: scripts/test.sh [pytest args]
#
# With no test paths given, the suite runs as two shards in parallel, each with its own test database and Redis
# database: the `integration` tests (live servers, real Celery workers, private Postgres/Redis instances; mostly
# waiting on other processes) and everything else. Set KEEL_TEST_SHARDS=1 to run everything in one process.
source "$(dirname "$0")/lib.sh"
ensure_venv
ensure_postgres
ensure_redis

db="${KEEL_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/keel}"
redis="${KEEL_TEST_REDIS_URL:-redis://127.0.0.1:6379/14}"
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-test-only-secret-key-not-for-production-0123456789abcdef}"
export KEEL_AUDIT_SIGNING_KEY="${KEEL_AUDIT_SIGNING_KEY:-test-only-audit-signing-key-0123456789abcdef}"
export KEEL_DATA_DIR="${KEEL_DATA_DIR:-$ROOT/data/test}"
mkdir -p "$KEEL_DATA_DIR" test-artifacts

run_pytest() {  # database URL, Redis URL, pytest args...
  DATABASE_URL="$1" REDIS_URL="$2" CELERY_BROKER_URL="$2" uv run --frozen pytest "${@:3}"
}

paths=0
for arg in "$@"; do [[ "$arg" == tests* ]] && paths=1; done
if [[ "${KEEL_TEST_SHARDS:-2}" == "1" || $paths == 1 ]]; then
  run_pytest "$db" "$redis" "$@"
  exit $?
fi

# Shard 2 uses the next Redis database number and its own Postgres database.
redis_base="${redis%/*}"
redis_db="${redis##*/}"
redis_two="$redis_base/$(( (redis_db + 1) % 16 ))"
log_one="$(mktemp)"
log_two="$(mktemp)"
trap 'rm -f "$log_one" "$log_two"' EXIT
run_pytest "$db" "$redis" -m "not integration" "$@" >"$log_one" 2>&1 &
one=$!
run_pytest "${db}_integration" "$redis_two" -m integration "$@" >"$log_two" 2>&1 &
two=$!
status_one=0
status_two=0
wait "$one" || status_one=$?
wait "$two" || status_two=$?
echo "===== shard 1 of 2: not integration (exit $status_one)"
cat "$log_one"
echo "===== shard 2 of 2: integration (exit $status_two)"
cat "$log_two"
if [[ $status_one -ne 0 || $status_two -ne 0 ]]; then
  echo "test shards failed: not-integration exit $status_one, integration exit $status_two" >&2
  exit 1
fi
