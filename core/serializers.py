from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers

from core.audit_chain import EVENT_FIELDS
from core.models import ApiToken, AuditEvent, Membership, Project, TaskType, User, slug_validator
from core.roles import Role

MEMBER_ROLE_CHOICES = [r for r in Role.choices if r[0] != Role.PREDICTOR]


# What a project role may not switch on: settings that would widen what a project runs or reaches are the
# platform's (environment variables such as KEEL_WEBHOOK_ALLOWED_NETWORKS, or a superuser), never a project's.
PLATFORM_ONLY = {
    "allow_pickle_models": "not a project setting: Keel never unpickles on the server. Convert a pickle/joblib "
    "model on your own machine with `keel models upload model.pkl`, which uploads skops.",
}


def refuse_platform_settings(data: Any) -> None:
    """400 naming the field when a project request tries to switch on a platform-only setting. ``false`` is
    tolerated, so documents exported before such a switch was removed still apply."""
    if not isinstance(data, Mapping):
        return
    for key, message in PLATFORM_ONLY.items():
        if key in data and str(data[key]).strip().lower() not in ("false", "0", "", "none", "null"):
            raise serializers.ValidationError({key: [message]})


class AcceptanceCriterionSerializer(serializers.Serializer):
    metric = serializers.CharField()
    op = serializers.ChoiceField(choices=[">=", ">", "<=", "<", "=="], default=">=")
    threshold = serializers.FloatField()


class ProjectSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()
    acceptance_criteria = AcceptanceCriterionSerializer(many=True)

    class Meta:
        model = Project
        fields = [
            "slug",
            "name",
            "description",
            "task_type",
            "acceptance_criteria",
            "require_human_approval",
            "created_at",
            "updated_at",
            "role",
        ]

    def get_role(self, obj: Project) -> str | None:
        roles: dict[int, str] = self.context.get("roles", {})
        return roles.get(obj.pk)


class ProjectCreateSerializer(serializers.Serializer):
    slug = serializers.CharField(max_length=64, validators=[slug_validator])
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    task_type = serializers.ChoiceField(choices=TaskType.choices, default=TaskType.CLASSIFICATION)
    acceptance_criteria = AcceptanceCriterionSerializer(many=True, required=False, default=list)
    require_human_approval = serializers.BooleanField(default=True)

    def to_internal_value(self, data: Any) -> Any:
        refuse_platform_settings(data)
        return super().to_internal_value(data)


class ProjectUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    task_type = serializers.ChoiceField(choices=TaskType.choices, required=False)
    acceptance_criteria = AcceptanceCriterionSerializer(many=True, required=False)
    require_human_approval = serializers.BooleanField(required=False)

    def to_internal_value(self, data: Any) -> Any:
        refuse_platform_settings(data)
        return super().to_internal_value(data)


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")
    is_service_account = serializers.BooleanField(source="user.is_service_account")

    class Meta:
        model = Membership
        fields = ["username", "role", "is_service_account", "created_at"]


class MembershipSetSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=MEMBER_ROLE_CHOICES)


class MembershipRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=MEMBER_ROLE_CHOICES)


class ApiTokenSerializer(serializers.ModelSerializer):
    default_project: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "default_project",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "is_active",
        ]


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    default_project = serializers.CharField(required=False, allow_null=True, default=None)


class ApiTokenIssuedSerializer(ApiTokenSerializer):
    token = serializers.CharField(help_text="The secret. Shown once; store it now.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]


class ServiceAccountSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "name", "username", "is_active", "date_joined"]

    def get_name(self, obj: User) -> str:
        return obj.username.rsplit(".", 1)[-1]


class ServiceAccountCreateSerializer(serializers.Serializer):
    name = serializers.RegexField(r"^[a-z0-9][a-z0-9-]{0,62}$", max_length=63)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ServiceAccountCreatedSerializer(serializers.Serializer):
    account = ServiceAccountSerializer()
    token = ApiTokenIssuedSerializer()


class ServiceAccountTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = list(EVENT_FIELDS)


class HealthCheckSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    detail = serializers.CharField()


class HealthSerializer(serializers.Serializer):
    status = serializers.CharField()
    checks = serializers.DictField(child=HealthCheckSerializer(), required=False)
    warnings = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Dependencies down that leave the process ready."
    )
