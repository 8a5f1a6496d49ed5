"""Base classes for every API view (account-level and project-scoped): they carry the authorization decision
(see core/permissions.py), the caller and the listing helper; and the generic handlers a view mixes in when its
operation is the usual one (DRF's list/retrieve/destroy mixins, and create/update from an input serializer)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from rest_framework import generics, mixins, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.schemas.inspectors import ViewInspector

from core.models import Project, User
from core.permissions import AccountAccess, ProjectAccess
from core.schema import KeelAutoSchema


class _Base(generics.GenericAPIView):
    schema: ViewInspector | None = KeelAutoSchema()
    public: ClassVar[bool] = False
    audit_exempt: ClassVar[bool] = False
    access: ClassVar[dict[str, str]] = {}

    @property
    def user(self) -> User:
        """The authenticated caller (permission classes have already refused anonymous requests)."""
        user = self.request.user
        assert isinstance(user, User)
        return user

    def valid(self, serializer_class: type[serializers.Serializer], data: Any, partial: bool = False) -> dict[str, Any]:
        """``data`` checked by ``serializer_class`` (a 400 naming the fields otherwise): its validated data."""
        serializer = serializer_class(data=data, partial=partial)
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


# The generic handlers. A view mixes them in before its base view and supplies ``get_queryset`` (lists),
# ``get_object`` (detail), and the service calls ``create_from``, ``update_from`` and ``perform_destroy``.
# Responses use ``serializer_class``; request bodies are checked by ``create_serializer_class`` (POST) and
# ``update_serializer_class`` (PATCH, PUT), which core.schema documents as the request bodies.
class ListMixin(mixins.ListModelMixin):
    # GET: one page of get_queryset(), through the view's filters and ordering.
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)


class NamedListMixin(ListMixin):
    # GET over a project's resources with unique names: filter by name (exact or part), order by name or time.
    filterset_fields: ClassVar[dict[str, list[str]]] = {"name": ["exact", "icontains"]}
    ordering_fields: ClassVar[list[str]] = ["name", "created_at", "updated_at"]


class CreateMixin:
    create_serializer_class: ClassVar[type[serializers.Serializer]]

    def create_from(self, values: dict[str, Any]) -> Any:
        raise NotImplementedError

    # POST: 201 with the object create_from() made from the checked body.
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        view: Any = self
        created = self.create_from(view.validated_body(self.create_serializer_class))
        return Response(view.get_serializer(created).data, status=status.HTTP_201_CREATED)


class ListCreateMixin(ListMixin, CreateMixin):
    pass


class RetrieveMixin(mixins.RetrieveModelMixin):
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.retrieve(request, *args, **kwargs)


class _UpdateFromBody:
    update_serializer_class: ClassVar[type[serializers.Serializer]]
    update_partial: ClassVar[bool] = False  # check the body as a partial update (no defaults filled in)

    def update_from(self, instance: Any, values: dict[str, Any]) -> Any:
        raise NotImplementedError

    def _update(self) -> Response:
        view: Any = self
        values = view.valid(self.update_serializer_class, view.request.data, partial=self.update_partial)
        return Response(view.get_serializer(self.update_from(view.get_object(), values)).data)


class UpdateMixin(_UpdateFromBody):
    # PATCH: the object update_from() returns for the checked body.
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._update()


class ReplaceMixin(_UpdateFromBody):
    # PUT: as PATCH, with the whole object in the body.
    def put(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._update()


class DestroyMixin(mixins.DestroyModelMixin):
    # DELETE: 204 after perform_destroy(get_object()).
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.destroy(request, *args, **kwargs)


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


def attachment(
    content: Any, content_type: str, filename: str, *, size: int | None = None, sha256: str = ""
) -> HttpResponseBase:
    """A download named ``filename``: ``content`` (bytes, or an iterator of bytes to stream), with its length and
    its sha256 (as the ETag) when given."""
    response: HttpResponseBase
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if size is not None:
        response["Content-Length"] = str(size)
    if sha256:
        response["ETag"] = f'"{sha256}"'
    return response


def caller_label(view: ProjectAPIView) -> str:
    """Who made the request, as the prediction log records it: the username (``service:`` for a service account)
    and the API token's prefix."""
    user = view.user
    token = getattr(view.request, "auth", None)
    label = f"service:{user.username}" if user.is_service_account else user.username
    return f"{label} ({token.prefix})" if token is not None and hasattr(token, "prefix") else label
