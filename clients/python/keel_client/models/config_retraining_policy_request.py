from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.trigger_enum import TriggerEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="ConfigRetrainingPolicyRequest")


@_attrs_define
class ConfigRetrainingPolicyRequest:
    """
    Attributes:
        name (str):
        deployment (str):
        dataset (str):
        spec (Any):
        model_name (str):
        enabled (bool | Unset):  Default: True.
        trigger (TriggerEnum | Unset): * `alert` - Alert
            * `schedule` - Schedule
            * `new_dataset` - New Dataset Default: TriggerEnum.ALERT.
        alert_rules (list[str] | Unset):
        schedule_minutes (int | None | Unset):
        include_feedback (bool | Unset):  Default: False.
        rollout (Any | Unset):
        min_interval_minutes (int | Unset):  Default: 60.
    """

    name: str
    deployment: str
    dataset: str
    spec: Any
    model_name: str
    enabled: bool | Unset = True
    trigger: TriggerEnum | Unset = TriggerEnum.ALERT
    alert_rules: list[str] | Unset = UNSET
    schedule_minutes: int | None | Unset = UNSET
    include_feedback: bool | Unset = False
    rollout: Any | Unset = UNSET
    min_interval_minutes: int | Unset = 60
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        deployment = self.deployment

        dataset = self.dataset

        spec = self.spec

        model_name = self.model_name

        enabled = self.enabled

        trigger: str | Unset = UNSET
        if not isinstance(self.trigger, Unset):
            trigger = self.trigger.value

        alert_rules: list[str] | Unset = UNSET
        if not isinstance(self.alert_rules, Unset):
            alert_rules = self.alert_rules

        schedule_minutes: int | None | Unset
        if isinstance(self.schedule_minutes, Unset):
            schedule_minutes = UNSET
        else:
            schedule_minutes = self.schedule_minutes

        include_feedback = self.include_feedback

        rollout = self.rollout

        min_interval_minutes = self.min_interval_minutes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "deployment": deployment,
                "dataset": dataset,
                "spec": spec,
                "model_name": model_name,
            }
        )
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if trigger is not UNSET:
            field_dict["trigger"] = trigger
        if alert_rules is not UNSET:
            field_dict["alert_rules"] = alert_rules
        if schedule_minutes is not UNSET:
            field_dict["schedule_minutes"] = schedule_minutes
        if include_feedback is not UNSET:
            field_dict["include_feedback"] = include_feedback
        if rollout is not UNSET:
            field_dict["rollout"] = rollout
        if min_interval_minutes is not UNSET:
            field_dict["min_interval_minutes"] = min_interval_minutes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        deployment = d.pop("deployment")

        dataset = d.pop("dataset")

        spec = d.pop("spec")

        model_name = d.pop("model_name")

        enabled = d.pop("enabled", UNSET)

        _trigger = d.pop("trigger", UNSET)
        trigger: TriggerEnum | Unset
        if isinstance(_trigger, Unset):
            trigger = UNSET
        else:
            trigger = TriggerEnum(_trigger)

        alert_rules = cast(list[str], d.pop("alert_rules", UNSET))

        def _parse_schedule_minutes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        schedule_minutes = _parse_schedule_minutes(d.pop("schedule_minutes", UNSET))

        include_feedback = d.pop("include_feedback", UNSET)

        rollout = d.pop("rollout", UNSET)

        min_interval_minutes = d.pop("min_interval_minutes", UNSET)

        config_retraining_policy_request = cls(
            name=name,
            deployment=deployment,
            dataset=dataset,
            spec=spec,
            model_name=model_name,
            enabled=enabled,
            trigger=trigger,
            alert_rules=alert_rules,
            schedule_minutes=schedule_minutes,
            include_feedback=include_feedback,
            rollout=rollout,
            min_interval_minutes=min_interval_minutes,
        )

        config_retraining_policy_request.additional_properties = d
        return config_retraining_policy_request

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
