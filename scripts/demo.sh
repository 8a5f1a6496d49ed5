#!/usr/bin/env bash
# Set up on the embedded default (SQLite, eager Celery, local artifacts) and run Keel's end-to-end demo,
# then serve the API on http://127.0.0.1:8000 (Ctrl-C to stop; KEEL_DEMO_NO_SERVE=1 to skip serving).
source "$(dirname "$0")/lib.sh"
ensure_venv
uv run --frozen python manage.py migrate --noinput
uv run --frozen python manage.py collectstatic --noinput --verbosity 0
uv run --frozen python manage.py demo "$@"
if [ "${KEEL_DEMO_NO_SERVE:-0}" != "1" ]; then
  exec uv run --frozen python manage.py runserver 127.0.0.1:8000
fi
