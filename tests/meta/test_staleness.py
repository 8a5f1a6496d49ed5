"""Committed artifacts stay in step with the code: openapi.yaml and migrations."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def _embedded_env() -> dict[str, str]:
    """The schema is generated on the embedded default, so it does not depend on the database vendor."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_"))}
    return keep


def test_openapi_yaml_is_current():
    out = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=_embedded_env(),
    )
    assert out.returncode == 0, out.stderr[-4000:]
    committed = (ROOT / "openapi.yaml").read_text()
    assert out.stdout == committed, "openapi.yaml is stale: run `scripts/openapi.sh` and commit the result"


@pytest.mark.django_db
def test_migrations_are_current():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # --check exits non-zero when a migration is missing
        pytest.fail(f"missing migrations:\n{out.getvalue()} ({exc})")
