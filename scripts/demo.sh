#!/usr/bin/env bash
# Set up on the embedded default (SQLite, eager Celery, local artifacts) and run Keel's end-to-end demo,
# then serve it on http://127.0.0.1:8000 with gunicorn, as in production (static files through whitenoise;
# Ctrl-C to stop; KEEL_DEMO_NO_SERVE=1 to skip serving).
source "$(dirname "$0")/lib.sh"
ensure_venv
uv run --frozen python manage.py migrate --noinput
uv run --frozen python manage.py collectstatic --noinput --verbosity 0
uv run --frozen python manage.py demo "$@"
if [ "${KEEL_DEMO_NO_SERVE:-0}" != "1" ]; then
  KEEL_BIND="${KEEL_BIND:-127.0.0.1:8000}" exec uv run --frozen gunicorn -c config/gunicorn.conf.py config.wsgi:application
fi
