from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import Env

ROOT = Path(__file__).resolve().parents[2]


def test_env_bool_rejects_garbage_naming_the_variable():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG"):
        Env({"DJANGO_DEBUG": "maybe"}).bool("DJANGO_DEBUG", False)


def test_env_bool_accepts_common_spellings():
    env = Env({"A": "yes", "B": "0", "C": ""})
    assert env.bool("A", False) is True
    assert env.bool("B", True) is False
    assert env.bool("C", True) is True  # empty means unset


def test_env_int_bounds_and_type():
    with pytest.raises(ImproperlyConfigured, match="KEEL_MAX_UPLOAD_BYTES: expected an integer"):
        Env({"KEEL_MAX_UPLOAD_BYTES": "ten"}).int("KEEL_MAX_UPLOAD_BYTES", 1)
    with pytest.raises(ImproperlyConfigured, match="at least 1024"):
        Env({"X": "5"}).int("X", 2048, minimum=1024)
    assert Env({"X": "4096"}).int("X", 2048, minimum=1024) == 4096


def test_env_url_scheme_and_host():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL: scheme"):
        Env({"DATABASE_URL": "mysql://x/y"}).url("DATABASE_URL", schemes=("postgres",))
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL: a host is required"):
        Env({"REDIS_URL": "redis://"}).url("REDIS_URL", schemes=("redis",))
    assert Env({}).url("REDIS_URL", schemes=("redis",)) is None


def test_env_rate_and_list():
    with pytest.raises(ImproperlyConfigured, match="KEEL_THROTTLE_USER"):
        Env({"KEEL_THROTTLE_USER": "lots"}).rate("KEEL_THROTTLE_USER", "1/min")
    assert Env({"H": "a.example, b.example,"}).list("H", []) == ["a.example", "b.example"]


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DJANGO_DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://db/keel"),
        ("REDIS_URL", "http://localhost"),
        ("KEEL_MAX_UPLOAD_BYTES", "big"),
    ],
)
def test_invalid_variable_fails_at_start_naming_it(variable, value, tmp_path):
    result = _manage("check", env={variable: value, "KEEL_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert variable in result.stderr


def test_production_requires_a_secret_key(tmp_path):
    result = _manage(
        "check",
        env={"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/keel", "KEEL_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    env = {
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/keel",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DJANGO_SECRET_KEY": "x7" * 20 + "production-like-secret-key-for-check",
        "KEEL_AUDIT_SIGNING_KEY": "a9" * 16 + "production-like-audit-signing-key",
        "DJANGO_ALLOWED_HOSTS": "keel.example.org",
        "DJANGO_DEBUG": "false",
        "KEEL_DATA_DIR": str(tmp_path),
    }
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_embedded_default_uses_sqlite_and_eager_celery(tmp_path):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.ARTIFACT_ROOT)"
    )
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "ARTIFACT_"))
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "KEEL_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    assert out[0] == "django.db.backends.sqlite3"
    assert out[1] == "True"
    assert out[2].startswith(str(tmp_path))


def test_s3_artifact_storage_needs_a_bucket_and_reads_it_from_the_environment(tmp_path):
    result = _manage(
        "check",
        env={"ARTIFACT_STORAGE_BACKEND": "storages.backends.s3.S3Storage", "KEEL_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode != 0
    assert "AWS_STORAGE_BUCKET_NAME" in result.stderr
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
        "from core.storage import artifact_storage; s = artifact_storage();"
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.location)"
    )
    env = {
        "ARTIFACT_STORAGE_BACKEND": "storages.backends.s3.S3Storage",
        "AWS_STORAGE_BUCKET_NAME": "keel-artifacts",
        "AWS_S3_ENDPOINT_URL": "https://minio.example.internal:9000",
        "AWS_LOCATION": "prod",
        "KEEL_DATA_DIR": str(tmp_path),
    }
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["S3Storage", "keel-artifacts", "https://minio.example.internal:9000", "prod"]
