from __future__ import annotations

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core import selectors, services
from core.base_views import KeelAPIView, ProjectAPIView
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


class ProjectListApi(KeelAPIView):
    access = {"GET": HUMAN, "POST": HUMAN}  # service accounts only predict: they may not even list projects
    serializer_class = ProjectSerializer
    queryset = Project.objects.none()
    filterset_fields = ["task_type"]
    ordering_fields = ["slug", "created_at", "name"]

    def get_queryset(self):
        return selectors.project_list_for_user(user=self.user)

    @extend_schema(operation_id="projects_list", responses=ProjectSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        roles = selectors.user_roles(user=self.user)
        data = ProjectSerializer(page, many=True, context={"roles": roles}).data
        return self.get_paginated_response(data)

    @extend_schema(operation_id="projects_create", request=ProjectCreateSerializer, responses={201: ProjectSerializer})
    def post(self, request: Request) -> Response:
        values = self.validated_body(ProjectCreateSerializer)
        project = services.project_create(user=self.user, **values)
        data = ProjectSerializer(project, context={"roles": {project.pk: "owner"}}).data
        return Response(data, status=status.HTTP_201_CREATED)


class ProjectDetailApi(ProjectAPIView):
    access = {"GET": Action.READ, "PATCH": Action.OPERATE, "DELETE": Action.ADMIN}
    serializer_class = ProjectSerializer

    def _out(self, project: Project) -> dict:  # type: ignore[type-arg]
        return ProjectSerializer(project, context={"roles": {project.pk: self.role}}).data

    @extend_schema(operation_id="projects_retrieve")
    def get(self, request: Request, project: str) -> Response:
        return Response(self._out(self.project))

    @extend_schema(operation_id="projects_update", request=ProjectUpdateSerializer, responses=ProjectSerializer)
    def patch(self, request: Request, project: str) -> Response:
        serializer = ProjectUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        updated = services.project_update(project=self.project, user=self.user, **serializer.validated_data)
        return Response(self._out(updated))

    @extend_schema(operation_id="projects_delete", responses={204: None})
    def delete(self, request: Request, project: str) -> Response:
        services.project_delete(project=self.project, user=self.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberListApi(ProjectAPIView):
    access = {"GET": Action.READ, "POST": Action.ADMIN}
    serializer_class = MembershipSerializer
    queryset = Membership.objects.none()  # the schema's model (get_queryset needs the request)

    def get_queryset(self):
        return selectors.membership_list(project=self.project)

    @extend_schema(operation_id="members_list", responses=MembershipSerializer(many=True))
    def get(self, request: Request, project: str) -> Response:
        return self.listing(self.get_queryset(), MembershipSerializer, filtered=False)

    @extend_schema(
        operation_id="members_set",
        request=MembershipSetSerializer,
        responses={200: MembershipSerializer, 201: MembershipSerializer},
        description="Add a member, or change the role of an existing member.",
    )
    def post(self, request: Request, project: str) -> Response:
        values = self.validated_body(MembershipSetSerializer)
        membership = services.membership_set(project=self.project, actor=self.user, **values)
        return Response(MembershipSerializer(membership).data, status=status.HTTP_200_OK)


class MemberDetailApi(ProjectAPIView):
    access = {"PATCH": Action.ADMIN, "DELETE": Action.ADMIN}
    serializer_class = MembershipSerializer

    @extend_schema(operation_id="members_update", request=MembershipRoleSerializer, responses=MembershipSerializer)
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


class TokenListApi(KeelAPIView):
    access = {"GET": HUMAN, "POST": HUMAN}
    serializer_class = ApiTokenSerializer
    queryset = ApiToken.objects.none()  # the schema's model (get_queryset needs the request)

    def get_queryset(self):
        return selectors.api_token_list(user=self.user)

    @extend_schema(operation_id="tokens_list", responses=ApiTokenSerializer(many=True))
    def get(self, request: Request) -> Response:
        return self.listing(self.get_queryset(), ApiTokenSerializer, filtered=False)

    @extend_schema(
        operation_id="tokens_create",
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


class ServiceAccountListApi(ProjectAPIView):
    access = {"GET": Action.ADMIN, "POST": Action.ADMIN}
    serializer_class = ServiceAccountSerializer
    queryset = User.objects.none()  # the schema's model (get_queryset needs the request)

    def get_queryset(self):
        return selectors.service_account_list(project=self.project)

    @extend_schema(operation_id="service_accounts_list", responses=ServiceAccountSerializer(many=True))
    def get(self, request: Request, project: str) -> Response:
        return self.listing(self.get_queryset(), ServiceAccountSerializer, filtered=False)

    @extend_schema(
        operation_id="service_accounts_create",
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

    @extend_schema(
        operation_id="service_accounts_disable",
        responses={204: None},
        description="Disable the service account and revoke all its tokens.",
    )
    def delete(self, request: Request, project: str, account_id: int) -> Response:
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


class AuditEventListApi(ProjectAPIView):
    access = {"GET": Action.ADMIN}
    serializer_class = AuditEventSerializer
    pagination_class = CursorPagination
    queryset = AuditEvent.objects.none()
    filterset_class = AuditEventFilter
    ordering_fields: list[str] = []

    def get_queryset(self):
        return selectors.audit_event_list(project=self.project)

    @extend_schema(
        operation_id="audit_events_list",
        responses={200: AuditEventSerializer(many=True), 403: OpenApiResponse(description="Not owner")},
    )
    def get(self, request: Request, project: str) -> Response:
        return self.listing(self.get_queryset(), AuditEventSerializer)
