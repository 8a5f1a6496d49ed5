from __future__ import annotations

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core import selectors, services
from core.base_views import (
    DestroyMixin,
    KeelAPIView,
    ListMixin,
    ProjectAPIView,
    RetrieveMixin,
    UpdateMixin,
)
from core.errors import ValidationFailed
from core.models import ApiToken, AuditEvent, Membership, Project, User
from core.pagination import CursorPagination
from core.permissions import HUMAN
from core.roles import Action
from core.serializers import (
    ApiTokenCreateSerializer,
    ApiTokenIssuedSerializer,
    ApiTokenSerializer,
    AuditEventSerializer,
    MembershipRoleSerializer,
    MembershipSerializer,
    MembershipSetSerializer,
    ProjectCreateSerializer,
    ProjectSerializer,
    ProjectUpdateSerializer,
    ServiceAccountCreatedSerializer,
    ServiceAccountCreateSerializer,
    ServiceAccountSerializer,
    ServiceAccountTokenCreateSerializer,
)
from core.validation import UtcIsoDateTimeFilter


class ProjectListApi(ListMixin, KeelAPIView):
    access = {"GET": HUMAN, "POST": HUMAN}  # service accounts only predict: they may not even list projects
    serializer_class = ProjectSerializer
    queryset = Project.objects.none()
    filterset_fields = ["task_type"]
    ordering_fields = ["slug", "created_at", "name"]

    def get_queryset(self):
        return selectors.project_list_for_user(user=self.user)

    def get_serializer_context(self) -> dict:  # type: ignore[type-arg]
        return {**super().get_serializer_context(), "roles": selectors.user_roles(user=self.user)}

    @extend_schema(request=ProjectCreateSerializer, responses={201: ProjectSerializer})
    def post(self, request: Request) -> Response:
        values = self.validated_body(ProjectCreateSerializer)
        project = services.project_create(user=self.user, **values)
        data = ProjectSerializer(project, context={"roles": {project.pk: "owner"}}).data
        return Response(data, status=status.HTTP_201_CREATED)


class ProjectDetailApi(RetrieveMixin, UpdateMixin, DestroyMixin, ProjectAPIView):
    access = {"GET": Action.READ, "PATCH": Action.OPERATE, "DELETE": Action.ADMIN}
    serializer_class = ProjectSerializer
    update_serializer_class = ProjectUpdateSerializer
    update_partial = True

    def get_object(self) -> Project:
        return self.project

    def get_serializer_context(self) -> dict:  # type: ignore[type-arg]
        return {**super().get_serializer_context(), "roles": {self.project.pk: self.role}}

    def update_from(self, instance: Project, values: dict) -> Project:  # type: ignore[type-arg]
        return services.project_update(project=instance, user=self.user, **values)

    def perform_destroy(self, instance: Project) -> None:
        services.project_delete(project=instance, user=self.user)


class MemberListApi(ListMixin, ProjectAPIView):
    access = {"GET": Action.READ, "POST": Action.ADMIN}
    serializer_class = MembershipSerializer
    queryset = Membership.objects.none()  # the schema's model (get_queryset needs the request)
    ordering_fields: list[str] = []

    def get_queryset(self):
        return selectors.membership_list(project=self.project)

    @extend_schema(
        operation_id="members_set",
        request=MembershipSetSerializer,
        responses={200: MembershipSerializer, 201: MembershipSerializer},
    )
    def post(self, request: Request, project: str) -> Response:
        """Add a member, or change the role of an existing member."""
        values = self.validated_body(MembershipSetSerializer)
        membership = services.membership_set(project=self.project, actor=self.user, **values)
        return Response(MembershipSerializer(membership).data, status=status.HTTP_200_OK)


class MemberDetailApi(ProjectAPIView):
    access = {"PATCH": Action.ADMIN, "DELETE": Action.ADMIN}
    serializer_class = MembershipSerializer

    @extend_schema(request=MembershipRoleSerializer)
    def patch(self, request: Request, project: str, username: str) -> Response:
        values = self.validated_body(MembershipRoleSerializer)
        if not selectors.membership_exists(project=self.project, username=username):
            raise ValidationFailed.field("username", f"{username!r} is not a member")
        membership = services.membership_set(
            project=self.project,
            actor=self.user,
            username=username,
            role=values["role"],
        )
        return Response(MembershipSerializer(membership).data)

    @extend_schema(operation_id="members_remove", responses={204: None})
    def delete(self, request: Request, project: str, username: str) -> Response:
        services.membership_remove(project=self.project, actor=self.user, username=username)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListApi(ListMixin, KeelAPIView):
    access = {"GET": HUMAN, "POST": HUMAN}
    serializer_class = ApiTokenSerializer
    queryset = ApiToken.objects.none()  # the schema's model (get_queryset needs the request)
    ordering_fields: list[str] = []

    def get_queryset(self):
        return selectors.api_token_list(user=self.user)

    @extend_schema(
        request=ApiTokenCreateSerializer,
        responses={201: ApiTokenIssuedSerializer},
    )
    def post(self, request: Request) -> Response:
        values = self.validated_body(ApiTokenCreateSerializer)
        data = dict(values)
        slug = data.pop("default_project", None)
        project = None
        if slug:
            project = selectors.project_find_for_user(user=self.user, slug=slug)
            if project is None:
                raise ValidationFailed.field("default_project", f"no project {slug!r} you belong to")
        issued = services.api_token_create(user=self.user, default_project=project, **data)
        body = ApiTokenSerializer(issued.token).data | {"token": issued.secret}
        return Response(body, status=status.HTTP_201_CREATED)


class TokenDetailApi(KeelAPIView):
    access = {"DELETE": HUMAN}
    serializer_class = ApiTokenSerializer

    @extend_schema(operation_id="tokens_revoke", responses={204: None})
    def delete(self, request: Request, token_id: int) -> Response:
        services.api_token_revoke(user=self.user, token_id=token_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ServiceAccountListApi(ListMixin, ProjectAPIView):
    access = {"GET": Action.ADMIN, "POST": Action.ADMIN}
    serializer_class = ServiceAccountSerializer
    queryset = User.objects.none()  # the schema's model (get_queryset needs the request)
    ordering_fields: list[str] = []

    def get_queryset(self):
        return selectors.service_account_list(project=self.project)

    @extend_schema(
        request=ServiceAccountCreateSerializer,
        responses={201: ServiceAccountCreatedSerializer},
    )
    def post(self, request: Request, project: str) -> Response:
        values = self.validated_body(ServiceAccountCreateSerializer)
        issued = services.service_account_create(project=self.project, actor=self.user, **values)
        body = {
            "account": ServiceAccountSerializer(issued.token.user).data,
            "token": ApiTokenSerializer(issued.token).data | {"token": issued.secret},
        }
        return Response(body, status=status.HTTP_201_CREATED)


class ServiceAccountDetailApi(ProjectAPIView):
    access = {"DELETE": Action.ADMIN}
    serializer_class = ServiceAccountSerializer

    @extend_schema(operation_id="service_accounts_disable", responses={204: None})
    def delete(self, request: Request, project: str, account_id: int) -> Response:
        """Disable the service account and revoke all its tokens."""
        services.service_account_disable(project=self.project, actor=self.user, account_id=account_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ServiceAccountTokenApi(ProjectAPIView):
    access = {"POST": Action.ADMIN}
    serializer_class = ApiTokenIssuedSerializer

    @extend_schema(
        operation_id="service_accounts_token_create",
        request=ServiceAccountTokenCreateSerializer,
        responses={201: ApiTokenIssuedSerializer},
    )
    def post(self, request: Request, project: str, account_id: int) -> Response:
        values = self.validated_body(ServiceAccountTokenCreateSerializer)
        issued = services.service_account_token_create(
            project=self.project, actor=self.user, account_id=account_id, **values
        )
        body = ApiTokenSerializer(issued.token).data | {"token": issued.secret}
        return Response(body, status=status.HTTP_201_CREATED)


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.CharFilter()
    action_prefix = django_filters.CharFilter(field_name="action", lookup_expr="startswith")
    actor = django_filters.CharFilter(field_name="actor_label")
    object_type = django_filters.CharFilter()
    object_id = django_filters.CharFilter()
    request_id = django_filters.CharFilter()
    since = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    until = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields: list[str] = []


@extend_schema_view(
    get=extend_schema(responses={200: AuditEventSerializer(many=True), 403: OpenApiResponse(description="Not owner")})
)
class AuditEventListApi(ListMixin, ProjectAPIView):
    access = {"GET": Action.ADMIN}
    serializer_class = AuditEventSerializer
    pagination_class = CursorPagination
    queryset = AuditEvent.objects.none()
    filterset_class = AuditEventFilter
    ordering_fields: list[str] = []

    def get_queryset(self):
        return selectors.audit_event_list(project=self.project)
