"""Plan, apply and export a project's declarative configuration (keel.yaml). Thin: the diff is server-side."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.base_views import KeelAPIView, ProjectAPIView
from core.permissions import HUMAN
from core.roles import Action
from declarative import services
from declarative.document import ConfigDocumentSerializer
from declarative.state import export_document


class DocumentRequestSerializer(serializers.Serializer):
    document = ConfigDocumentSerializer(help_text="The keel.yaml document (apiVersion keel/v1), as JSON.")


class DocumentInputSerializer(serializers.Serializer):
    """Runtime check of the envelope only; the document is validated by the service, errors naming its paths."""

    document = serializers.DictField()


# {"from": ..., "to": ...}: "from" is a Python keyword, hence the class built with type().
FieldChangeSerializer = type(
    "FieldChangeSerializer",
    (serializers.Serializer,),
    {"from": serializers.JSONField(allow_null=True), "to": serializers.JSONField(allow_null=True)},
)


class ChangeSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["create", "update", "delete"])
    kind = serializers.ChoiceField(
        choices=[
            "project",
            "member",
            "dataset",
            "dataset_rule",
            "channel",
            "deployment",
            "drift",
            "alert_rule",
            "retraining_policy",
        ]
    )
    name = serializers.CharField()
    changes = serializers.DictField(child=FieldChangeSerializer(), help_text="field -> {from, to}")


class PlanSerializer(serializers.Serializer):
    project = serializers.CharField(help_text="The project's slug.")
    changes = ChangeSerializer(many=True)


class ApplySerializer(PlanSerializer):
    applied = serializers.BooleanField()


class ExportSerializer(serializers.Serializer):
    document = ConfigDocumentSerializer()


def _document(request: Request) -> object:
    serializer = DocumentInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data["document"]


class ConfigPlanApi(KeelAPIView):
    access = {"POST": HUMAN}
    audit_exempt = True  # a read with a body
    serializer_class = PlanSerializer

    @extend_schema(request=DocumentRequestSerializer)
    def post(self, request: Request) -> Response:
        """The changes `config_apply` would make (create/update/delete per object); writes nothing. A kind missing from
        the document is unmanaged. Needs read access to an existing project."""
        result = services.config_plan(user=self.user, document=_document(request))
        return Response(result.as_dict())


class ConfigApplyApi(KeelAPIView):
    access = {"POST": HUMAN}
    serializer_class = ApplySerializer

    @extend_schema(request=DocumentRequestSerializer)
    def post(self, request: Request) -> Response:
        """Make the project match the document in one transaction (all or nothing), one audit event per change;
        idempotent. Creating a project: any person; changing one: maintainer or owner (owner for member changes)."""
        result = services.config_apply(user=self.user, document=_document(request))
        return Response(result.as_dict() | {"applied": True})


class ConfigExportApi(ProjectAPIView):
    access = {"GET": Action.READ}
    serializer_class = ExportSerializer

    def get(self, request: Request, project: str) -> Response:
        """The project's configuration as a keel/v1 document (channel URLs and secrets redacted)."""
        return Response({"document": export_document(project=self.project)})
