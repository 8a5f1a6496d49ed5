"""Session sign-in for people who are not staff (the admin's own login only admits staff accounts)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views


class LoginView(auth_views.LoginView):
    public = True  # the sign-in form itself (see tests/core/test_urlconf_access.py)
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    public = True
