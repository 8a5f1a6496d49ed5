"""Session sign-in for people who are not staff (the admin's own login only admits staff accounts), and the page
shown when django-axes has locked a sign-in (``AXES_LOCKOUT_CALLABLE``)."""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class LoginView(auth_views.LoginView):
    public = True  # the sign-in form itself (see tests/core/test_urlconf_access.py)
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    public = True


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """429 with ``Retry-After`` (the cool-off, which each further failure restarts) for /accounts/login/ and
    /admin/login/ alike."""
    seconds = settings.KEEL_LOGIN_COOLOFF_SECONDS
    username = str((credentials or {}).get("username") or "")
    context = {"cooloff_minutes": math.ceil(seconds / 60), "username": username}
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
