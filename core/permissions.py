"""The authorization decision every API view makes.

Each view declares ``access``: a mapping from HTTP method to either an :class:`~core.roles.Action` inside its
project (project-scoped views) or ``AUTHENTICATED`` (account-level views such as the project list or the
caller's own tokens). Public views set ``public = True`` and are listed in tests/core/test_urlconf_access.py.
"""

from __future__ import annotations

from typing import Any, cast

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from core import hotcache, selectors
from core.errors import Forbidden
from core.models import User
from core.roles import Action, role_allows

AUTHENTICATED = "authenticated"
HUMAN = "human"  # authenticated and not a service account


def _action_for(view: Any, method: str) -> str | None:
    """The declared action for ``method``; None when the view has no handler (DRF then answers 405)."""
    access: dict[str, str] = view.access
    if method in ("HEAD", "OPTIONS"):
        method = "GET" if "GET" in access else next(iter(access), "GET")
    if method in access:
        return access[method]
    if hasattr(view, method.lower()):
        raise Forbidden(f"{method} has no declared access on this route.")
    return None


class AccountAccess(BasePermission):
    """Account-level routes: any authenticated caller, or only people (not service accounts)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        action = _action_for(view, request.method or "GET")
        if action is None:
            return True
        if action == HUMAN and request.user.is_service_account:
            raise Forbidden("Service accounts may only call inference and feedback.")
        return True


class ProjectAccess(BasePermission):
    """Project-scoped routes: membership (404 otherwise) and a role that allows the declared action (403)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        project, role = _project_and_role(view, request)
        action = _action_for(view, request.method or "GET")
        view.project = project
        view.role = role
        if action is None:
            return True
        if not role_allows(role, action):
            raise Forbidden(f"Your role '{role}' in project '{project.slug}' does not allow '{Action(action).label}'.")
        return True


def _project_and_role(view: Any, request: Request) -> tuple[Any, str]:
    """Views on the inference hot path (``cache_access = True``) read membership from the per-process access cache;
    they only use the project's id and settings, never save it."""
    slug, user = view.kwargs["project"], cast(User, request.user)
    if not getattr(view, "cache_access", False):
        return selectors.project_get_for_user(slug=slug, user=user)
    key = ("membership", user.pk, slug)
    found = hotcache.access.get(key)
    if found is None:
        found = selectors.project_get_for_user(slug=slug, user=user)
        hotcache.access.put(key, found)
    return found
