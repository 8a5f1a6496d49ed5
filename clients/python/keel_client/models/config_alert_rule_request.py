from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.comparison_op_enum import ComparisonOpEnum
from ..models.metric_enum import MetricEnum
from ..models.severity_enum import SeverityEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="ConfigAlertRuleRequest")


@_attrs_define
class ConfigAlertRuleRequest:
    """
    Attributes:
        name (str):
        deployment (str):
        metric (MetricEnum): * `drift_status` - Drift Status
            * `drift_share` - Drift Share
            * `feature_drift` - Feature Drift
            * `quality` - Quality
            * `latency_p95` - Latency P95
            * `error_rate` - Error Rate
            * `traffic` - Traffic
        threshold (float):
        feature (str | Unset):  Default: ''.
        op (ComparisonOpEnum | Unset): * `>` - >
            * `>=` - >=
            * `<` - <
            * `<=` - <= Default: ComparisonOpEnum.VALUE_0.
        window_minutes (int | Unset):  Default: 60.
        severity (SeverityEnum | Unset): * `info` - Info
            * `warning` - Warning
            * `critical` - Critical Default: SeverityEnum.WARNING.
        cooldown_minutes (int | Unset):  Default: 60.
        enabled (bool | Unset):  Default: True.
        channels (list[str] | Unset):
    """

    name: str
    deployment: str
    metric: MetricEnum
    threshold: float
    feature: str | Unset = ""
    op: ComparisonOpEnum | Unset = ComparisonOpEnum.VALUE_0
    window_minutes: int | Unset = 60
    severity: SeverityEnum | Unset = SeverityEnum.WARNING
    cooldown_minutes: int | Unset = 60
    enabled: bool | Unset = True
    channels: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        deployment = self.deployment

        metric = self.metric.value

        threshold = self.threshold

        feature = self.feature

        op: str | Unset = UNSET
        if not isinstance(self.op, Unset):
            op = self.op.value

        window_minutes = self.window_minutes

        severity: str | Unset = UNSET
        if not isinstance(self.severity, Unset):
            severity = self.severity.value

        cooldown_minutes = self.cooldown_minutes

        enabled = self.enabled

        channels: list[str] | Unset = UNSET
        if not isinstance(self.channels, Unset):
            channels = self.channels

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "deployment": deployment,
                "metric": metric,
                "threshold": threshold,
            }
        )
        if feature is not UNSET:
            field_dict["feature"] = feature
        if op is not UNSET:
            field_dict["op"] = op
        if window_minutes is not UNSET:
            field_dict["window_minutes"] = window_minutes
        if severity is not UNSET:
            field_dict["severity"] = severity
        if cooldown_minutes is not UNSET:
            field_dict["cooldown_minutes"] = cooldown_minutes
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if channels is not UNSET:
            field_dict["channels"] = channels

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        deployment = d.pop("deployment")

        metric = MetricEnum(d.pop("metric"))

        threshold = d.pop("threshold")

        feature = d.pop("feature", UNSET)

        _op = d.pop("op", UNSET)
        op: ComparisonOpEnum | Unset
        if isinstance(_op, Unset):
            op = UNSET
        else:
            op = ComparisonOpEnum(_op)

        window_minutes = d.pop("window_minutes", UNSET)

        _severity = d.pop("severity", UNSET)
        severity: SeverityEnum | Unset
        if isinstance(_severity, Unset):
            severity = UNSET
        else:
            severity = SeverityEnum(_severity)

        cooldown_minutes = d.pop("cooldown_minutes", UNSET)

        enabled = d.pop("enabled", UNSET)

        channels = cast(list[str], d.pop("channels", UNSET))

        config_alert_rule_request = cls(
            name=name,
            deployment=deployment,
            metric=metric,
            threshold=threshold,
            feature=feature,
            op=op,
            window_minutes=window_minutes,
            severity=severity,
            cooldown_minutes=cooldown_minutes,
            enabled=enabled,
            channels=channels,
        )

        config_alert_rule_request.additional_properties = d
        return config_alert_rule_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
