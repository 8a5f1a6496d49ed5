from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.test import APIClient

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import django, os, json; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
    "from django.test import Client; r = Client().get('/readyz');"
    "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
)


def _probe(**env: str) -> dict:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_"))}
    base.update({"DJANGO_SECRET_KEY": "k" * 60, "DATABASE_CONNECT_TIMEOUT": "2", **env})
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_livez_and_readyz_ok():
    client = APIClient()
    assert client.get("/livez").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"]["ok"] is True


def test_readyz_names_postgres_when_it_is_down():
    result = _probe(DATABASE_URL="postgres://postgres@127.0.0.1:1/keel", REDIS_URL="redis://127.0.0.1:6379/0")
    assert result["status"] == 503
    assert result["body"]["checks"]["database"]["ok"] is False
    assert result["body"]["checks"]["broker"]["ok"] is True
    assert "database" in result["body"]["status"]


def test_readyz_stays_ready_and_names_redis_when_it_is_down():
    result = _probe(DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres", REDIS_URL="redis://127.0.0.1:1/0")
    assert result["status"] == 200  # Redis is a cache: predictions continue without it
    assert result["body"]["status"] == "degraded"
    assert len(result["body"]["warnings"]) == 2 and all("Redis" in w for w in result["body"]["warnings"])
    checks = result["body"]["checks"]
    assert checks["database"]["ok"] is True
    assert checks["broker"]["ok"] is False
    assert checks["cache"]["ok"] is False
