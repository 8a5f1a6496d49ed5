"""Liveness and readiness. Readiness names the failing dependency and answers 503, never 500.

Only the database is required: Redis is a cache and the Celery broker, and predictions continue without it
(core/hotcache.py), so a Redis outage leaves the process ready, with a warning naming it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connections
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.schema import KeelAutoSchema
from core.serializers import HealthSerializer


def check_database() -> tuple[bool, str]:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ready"
        connections["default"].close_if_unusable_or_obsolete()
        return False, f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
    return True, connections["default"].vendor


def check_broker() -> tuple[bool, str]:
    url = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER or not url:
        return True, "eager (no broker configured)"
    if not url.startswith(("redis://", "rediss://")):
        return True, "not checked"
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"
    return True, "redis"


def check_cache() -> tuple[bool, str]:
    from django.core.cache import cache

    try:
        cache.set("keel:readyz", "1", 5)
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"
    return True, str(settings.CACHES["default"]["BACKEND"]).rsplit(".", 1)[-1]


DEGRADED = {  # checks whose failure leaves the process ready, and what it means
    "cache": "Redis (the cache) is unavailable: predictions continue, with rate limits counted per process and "
    "deployment revisions read from the database; it resynchronises when Redis returns",
    "broker": "Redis (the Celery broker) is unavailable: background jobs (training, reports, exports) cannot be "
    "queued until it returns",
}


class _HealthApi(APIView):
    schema = KeelAutoSchema()
    public = True
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes: list[type] = []


class LivezApi(_HealthApi):
    @extend_schema(responses=HealthSerializer, auth=[])
    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})


class ReadyzApi(_HealthApi):
    @extend_schema(responses={200: HealthSerializer, 503: HealthSerializer}, auth=[])
    def get(self, request: Request) -> Response:
        checks = {}
        for name, check in (("database", check_database), ("broker", check_broker), ("cache", check_cache)):
            ok, detail = check()
            checks[name] = {"ok": ok, "detail": detail}
        failing = [name for name, result in checks.items() if not result["ok"] and name not in DEGRADED]
        warnings = [DEGRADED[name] for name, result in checks.items() if not result["ok"] and name in DEGRADED]
        status = f"unavailable: {', '.join(failing)}" if failing else "degraded" if warnings else "ok"
        body = {"status": status, "checks": checks}
        if warnings:
            body["warnings"] = warnings
        return Response(body, status=200 if not failing else 503)
