#!/usr/bin/env bash
# Regenerate openapi.yaml from the code (commit the result).
source "$(dirname "$0")/lib.sh"
ensure_venv
env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL \
  uv run --frozen python manage.py spectacular --validate --fail-on-warn --file openapi.yaml
echo "wrote openapi.yaml"
env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL \
  uv run --frozen python manage.py config_schema --file cli/keel_cli/keel.schema.json
