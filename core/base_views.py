"""Base classes for every API view (account-level and project-scoped): they carry the authorization decision
(see core/permissions.py), the caller and the listing helper."""

from __future__ import annotations

from typing import Any, ClassVar

from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.models import Project, User
from core.permissions import AccountAccess, ProjectAccess


class _Base(generics.GenericAPIView):
    public: ClassVar[bool] = False
    audit_exempt: ClassVar[bool] = False
    access: ClassVar[dict[str, str]] = {}

    @property
    def user(self) -> User:
        """The authenticated caller (permission classes have already refused anonymous requests)."""
        user = self.request.user
        assert isinstance(user, User)
        return user

    def valid(self, serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
        """``data`` checked by ``serializer_class`` (a 400 naming the fields otherwise): its validated data."""
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def validated_body(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        """The request body, checked by ``serializer_class``."""
        return self.valid(serializer_class, self.request.data)

    def validated_query(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        """The query parameters, checked by ``serializer_class``."""
        return self.valid(serializer_class, self.request.query_params)

    def listing(self, queryset: Any, serializer: Any, *, filtered: bool = True) -> Response:
        """One page of ``queryset`` (through the view's filters and ordering unless ``filtered`` is False),
        serialized with ``serializer``, in the paginated envelope."""
        page = self.paginate_queryset(self.filter_queryset(queryset) if filtered else queryset)
        return self.get_paginated_response(serializer(page, many=True).data)


# Account-level view. ``access`` maps each allowed method to AUTHENTICATED or HUMAN.
# (Comments, not docstrings: drf-spectacular would copy a base-class docstring into every operation's description.)
class KeelAPIView(_Base):
    permission_classes = [IsAuthenticated, AccountAccess]


# Project-scoped view under ``/api/v1/projects/{project}/``. ``access`` maps methods to actions.
class ProjectAPIView(_Base):
    permission_classes = [IsAuthenticated, ProjectAccess]
    project: Project
    role: str

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        context["project"] = getattr(self, "project", None)
        return context


def caller_label(view: ProjectAPIView) -> str:
    """Who made the request, as the prediction log records it: the username (``service:`` for a service account)
    and the API token's prefix."""
    user = view.user
    token = getattr(view.request, "auth", None)
    label = f"service:{user.username}" if user.is_service_account else user.username
    return f"{label} ({token.prefix})" if token is not None and hasattr(token, "prefix") else label
