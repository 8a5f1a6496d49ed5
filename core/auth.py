"""Bearer-token authentication for Keel API tokens (``Authorization: Bearer keel_...``)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from rest_framework import authentication, exceptions

from core import hotcache
from core.models import ApiToken, User
from core.throttling import client_ip, token_failures

TOKEN_PREFIX = "keel_"  # noqa: S105 - a public prefix, not a secret


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_from_header(request: HttpRequest) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() not in ("bearer", "token") or not value.strip():
        return None
    return value.strip()


def resolve_token(raw: str) -> ApiToken:
    """The token behind a bearer secret, checked (revoked, expired, account disabled) on every call.

    The lookup is cached per process under the access epoch (core/hotcache.py): revocations and account changes
    reach every process within ``KEEL_STAMP_TTL``. Each call gets its own copies of the token and user.
    """
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        raise exceptions.AuthenticationFailed("Malformed API token.")
    key = ("token", hash_token(raw))
    token = hotcache.access.get(key)
    if token is None:
        token = ApiToken.objects.select_related("user").filter(key_hash=key[1]).first()
        if token is None:
            raise exceptions.AuthenticationFailed("Unknown API token.")
        hotcache.access.put(key, token)
    token = _private_copy(token)
    if token.revoked_at is not None:
        raise exceptions.AuthenticationFailed("This API token has been revoked.")
    if token.expires_at is not None and token.expires_at <= timezone.now():
        raise exceptions.AuthenticationFailed("This API token has expired.")
    if not token.user.is_active:
        raise exceptions.AuthenticationFailed("The account of this API token is disabled.")
    if _touch(token):
        hotcache.access.put(key, token)
    return token


def _private_copy(token: ApiToken) -> ApiToken:
    """A shallow copy of the cached token and its user, so one request's changes never leak into another's."""
    user = _shallow_copy(token.user)
    token = _shallow_copy(token)
    token.user = user
    return token


def _shallow_copy(instance: Any) -> Any:
    """What ``copy.copy`` gives for a model instance (its fields and its own ``_state`` with its own cache of related
    objects), without the round through pickling's ``__reduce__`` that ``copy.copy`` takes for a model."""
    clone = object.__new__(type(instance))
    clone.__dict__ = instance.__dict__.copy()
    clone._state = object.__new__(type(instance._state))
    clone._state.__dict__ = instance._state.__dict__.copy()
    clone._state.fields_cache = instance._state.fields_cache.copy()
    return clone


def _touch(token: ApiToken) -> bool:
    """Record last use, at most once per resolution window so the hot path rarely writes. True when written."""
    now = timezone.now()
    window = timedelta(seconds=settings.KEEL_TOKEN_LAST_USED_RESOLUTION)
    if token.last_used_at is None or now - token.last_used_at >= window:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
        return True
    return False


class TokenAuthentication(authentication.BaseAuthentication):
    """A failed token counts against the client's address (``core.throttling.TokenFailures``); over the limit,
    ``core.middleware.TokenFailureLimitMiddleware`` answers 429 before a token reaches this class."""

    keyword = "Bearer"

    def authenticate(self, request: HttpRequest) -> tuple[User, ApiToken] | None:  # type: ignore[override]
        raw = token_from_header(request)
        if raw is None:
            return None
        try:
            token = resolve_token(raw)
        except exceptions.AuthenticationFailed:
            token_failures.record(client_ip(request))
            raise
        return token.user, token

    def authenticate_header(self, request: HttpRequest) -> str:
        return 'Bearer realm="keel"'
