"""The keel.yaml document (``apiVersion: keel/v1``): DRF serializers that validate it and name the failing path.

A validated document is *normalized*: every optional field takes its default, so two documents that mean the same
state compare equal. The format is described in docs/declarative.md.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.models import name_validator
from core.roles import Role
from core.serializers import MEMBER_ROLE_CHOICES, ProjectCreateSerializer
from monitoring.models import AlertRule, ChannelKind, RetrainingPolicy
from monitoring.serializers import AlertRuleWriteSerializer, RetrainingPolicyWriteSerializer
from registry.models import RuleKind
from serving.models import Strategy, VariantRole, default_policy

API_VERSION = "keel/v1"
REDACTED = "<redacted>"  # a secret the export does not reveal; on apply: keep the stored value
# The managed kinds, in the order changes are applied (deletes run in the reverse order).
KINDS = ("members", "datasets", "channels", "deployments", "drift", "alert_rules", "retraining_policies")
_DURATION = re.compile(r"^\s*(\d+)\s*([mhd]?)\s*$")
_MINUTES = {"": 1, "m": 1, "h": 60, "d": 24 * 60}
MAX_MINUTES = 30 * 24 * 60


@extend_schema_field(
    {"oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "pattern": r"^\s*\d+\s*[mhd]?\s*$"}]}
)
class MinutesField(serializers.Field):
    """Minutes as an integer, or a duration string such as ``30m``, ``6h`` or ``1d``."""

    def __init__(self, *, max_minutes: int = MAX_MINUTES, **kwargs: Any) -> None:
        self.max_minutes = max_minutes
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int):
            minutes = data
        else:
            match = _DURATION.match(str(data))
            if match is None:
                self.fail("invalid")
            minutes = int(match[1]) * _MINUTES[match[2]]
        if not 1 <= minutes <= self.max_minutes:
            raise serializers.ValidationError(f"between 1 minute and {self.max_minutes // (24 * 60)} days")
        return minutes

    def to_representation(self, value: int) -> int:
        return value

    default_error_messages = {"invalid": "minutes as an integer, or a duration such as 30m, 6h, 1d"}


def _unique(items: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    seen: set[Any] = set()
    for index, item in enumerate(items):
        if item[key] in seen:
            raise serializers.ValidationError({str(index): {key: [f"duplicate {key} {item[key]!r}"]}})
        seen.add(item[key])
    return items


class ConfigProjectSerializer(ProjectCreateSerializer):
    # the fields of a project's creation, but the name defaults to the slug
    name = serializers.CharField(max_length=200, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs.setdefault("name", attrs["slug"])
        attrs["acceptance_criteria"] = [dict(c) for c in attrs["acceptance_criteria"]]
        return attrs


class ConfigMemberSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=MEMBER_ROLE_CHOICES)


class ConfigRuleSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RuleKind.choices)
    column = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    params = serializers.DictField(required=False, default=dict)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    enabled = serializers.BooleanField(default=True)


class ConfigDatasetSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=128, validators=[name_validator])
    description = serializers.CharField(required=False, allow_blank=True, default="")
    tags = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)
    rules = ConfigRuleSerializer(many=True, required=False, default=list)


class ConfigChannelSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=128, validators=[name_validator])
    kind = serializers.ChoiceField(choices=ChannelKind.choices)
    config = serializers.DictField(
        help_text=f"webhook: {{url, secret?}}; slack: {{url}}; email: {{to: [...]}}. {REDACTED!r} keeps a secret."
    )
    enabled = serializers.BooleanField(default=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        config, kind = attrs["config"], attrs["kind"]
        allowed = {"to"} if kind == ChannelKind.EMAIL else {"url", "secret"} if kind == "webhook" else {"url"}
        unknown = sorted(set(config) - allowed)
        if unknown:
            raise serializers.ValidationError({"config": {unknown[0]: [f"not a setting of {kind} channels"]}})
        if kind == ChannelKind.EMAIL:
            recipients = config.get("to")
            if not isinstance(recipients, list) or not recipients or not all("@" in str(r) for r in recipients):
                raise serializers.ValidationError({"config": {"to": ["a non-empty list of e-mail addresses"]}})
            attrs["config"] = {"to": [str(r) for r in recipients]}
            return attrs
        for key in sorted(config):
            if not isinstance(config[key], str) or not config[key]:
                raise serializers.ValidationError({"config": {key: ["a non-empty string"]}})
        if "url" not in config:
            raise serializers.ValidationError({"config": {"url": ["required"]}})
        return attrs


class ConfigVariantSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64, validators=[name_validator], required=False)
    model = serializers.CharField(max_length=128)
    version = serializers.IntegerField(min_value=1, required=False)
    alias = serializers.CharField(max_length=64, required=False)
    weight = serializers.FloatField(min_value=0, max_value=100, default=100.0)
    role = serializers.ChoiceField(choices=VariantRole.choices, default=VariantRole.PRIMARY)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("version" in attrs) == ("alias" in attrs):
            raise serializers.ValidationError({"version": ["give exactly one of version and alias"]})
        return attrs


class ConfigPolicySerializer(serializers.Serializer):
    unknown_features = serializers.ChoiceField(choices=["error", "ignore"], default="error")
    flag_out_of_range = serializers.BooleanField(default=True)
    max_batch = serializers.IntegerField(min_value=1, max_value=100000, default=1000)


def infer_strategy(roles: list[str]) -> str:
    for role, strategy in (
        (VariantRole.SHADOW, Strategy.SHADOW),
        (VariantRole.CANARY, Strategy.CANARY),
        (VariantRole.CHALLENGER, Strategy.AB_TEST),
        (VariantRole.STANDBY, Strategy.BLUE_GREEN),
    ):
        if role in roles:
            return strategy
    return Strategy.SINGLE


class ConfigDeploymentSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=128, validators=[name_validator])
    description = serializers.CharField(required=False, allow_blank=True, default="")
    policy = ConfigPolicySerializer(required=False)
    strategy = serializers.ChoiceField(choices=Strategy.choices, required=False)
    variants = ConfigVariantSerializer(many=True, allow_empty=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["policy"] = dict(attrs.get("policy") or default_policy())
        variants = [dict(v) for v in attrs["variants"]]
        for index, variant in enumerate(variants):
            if "name" not in variant:
                same = [v for v in variants if v["role"] == variant["role"]]
                variant["name"] = variant["role"] if len(same) == 1 else f"{variant['role']}-{same.index(variant) + 1}"
            variants[index] = variant
        names = [v["name"] for v in variants]
        if len(set(names)) != len(names):
            raise serializers.ValidationError({"variants": ["variant names must be unique"]})
        live = [v for v in variants if v["role"] not in (VariantRole.SHADOW, VariantRole.STANDBY)]
        if not live or abs(sum(v["weight"] for v in live) - 100) > 1e-6:
            raise serializers.ValidationError({"variants": ["the weights of live variants must add up to 100"]})
        attrs["variants"] = variants
        attrs.setdefault("strategy", infer_strategy([v["role"] for v in variants]))
        return attrs


class ConfigDriftSerializer(serializers.Serializer):
    deployment = serializers.CharField(max_length=128)
    enabled = serializers.BooleanField(default=True)
    window = MinutesField(max_minutes=7 * 24 * 60, default=60, help_text="Report window (minutes, or 6h).")
    cadence = MinutesField(
        max_minutes=7 * 24 * 60, default=60, help_text="How often a report runs (minutes, or 30m, 6h, 1d)."
    )
    options = serializers.DictField(required=False, default=dict)
    per_variant = serializers.BooleanField(default=False)


# The API's alert rule body, with the document's length limits (a redeclared field keeps its place). Comments, not
# docstrings: the schemas would copy a docstring into their descriptions.
class ConfigAlertRuleSerializer(AlertRuleWriteSerializer):
    deployment = serializers.CharField(max_length=128)
    feature = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["metric"] == AlertRule.Metric.FEATURE_DRIFT and not attrs["feature"]:
            raise serializers.ValidationError({"feature": ["required for feature_drift"]})
        attrs["channels"] = sorted(set(attrs["channels"]))
        return attrs


# The API's retraining policy body, with the document's length limits; trigger and schedule_minutes as the
# document has always read them (no API help text, no upper bound on the schedule).
class ConfigRetrainingPolicySerializer(RetrainingPolicyWriteSerializer):
    deployment = serializers.CharField(max_length=128)
    trigger = serializers.ChoiceField(choices=RetrainingPolicy.Trigger.choices, default="alert")
    schedule_minutes = serializers.IntegerField(required=False, allow_null=True, min_value=5, default=None)
    dataset = serializers.CharField(max_length=128)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["alert_rules"] = sorted(set(attrs["alert_rules"]))
        return attrs


class ConfigDocumentSerializer(serializers.Serializer):
    """The whole document. A kind whose key is absent is unmanaged: its objects are neither compared nor deleted."""

    apiVersion = serializers.ChoiceField(choices=[API_VERSION])
    project = ConfigProjectSerializer()
    members = ConfigMemberSerializer(many=True, required=False)
    datasets = ConfigDatasetSerializer(many=True, required=False)
    channels = ConfigChannelSerializer(many=True, required=False)
    deployments = ConfigDeploymentSerializer(many=True, required=False)
    drift = ConfigDriftSerializer(many=True, required=False)
    alert_rules = ConfigAlertRuleSerializer(many=True, required=False)
    retraining_policies = ConfigRetrainingPolicySerializer(many=True, required=False)

    _KEYS = {"members": "username", "drift": "deployment"}

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({unknown[0]: ["unknown key"]})
        return super().to_internal_value(data)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"apiVersion": attrs["apiVersion"], "project": dict(attrs["project"])}
        for kind in KINDS:
            if kind in attrs:
                items = [_plain(item) for item in attrs[kind]]
                try:
                    out[kind] = _unique(items, self._KEYS.get(kind, "name"))
                except serializers.ValidationError as exc:
                    raise serializers.ValidationError({kind: exc.detail}) from None
        members = out.get("members")
        if members is not None and not any(m["role"] == Role.OWNER for m in members):
            raise serializers.ValidationError({"members": ["a project must keep at least one owner"]})
        return out


def _plain(value: Any) -> Any:
    """OrderedDicts and ReturnDicts from nested serializers as plain dicts and lists."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def document_validate(data: Any) -> dict[str, Any]:
    """The normalized document, or a 400 whose errors name each failing path (``alert_rules[2].threshold``).

    Callers run ``declarative.schema.document_check`` first, so unknown keys are refused at every level."""
    serializer = ConfigDocumentSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
