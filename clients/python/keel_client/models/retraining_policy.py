from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.trigger_enum import TriggerEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="RetrainingPolicy")


@_attrs_define
class RetrainingPolicy:
    """
    Attributes:
        id (int):
        name (str):
        deployment (str):
        alert_rules (list[str]):
        dataset (str): Train on the latest valid version of this dataset.
        spec (Any): The training spec (as for training jobs).
        model_name (str): Register candidates as versions of this model.
        enabled (bool | Unset):
        trigger (TriggerEnum | Unset): * `alert` - Alert
            * `schedule` - Schedule
            * `new_dataset` - New Dataset
        schedule_minutes (int | None | Unset): For the schedule trigger: retrain every this many minutes.
        include_feedback (bool | Unset): Append labelled feedback rows to the data.
        rollout (Any | Unset):
        min_interval_minutes (int | Unset):
        last_triggered_at (datetime.datetime | None | Unset):
        created_at (datetime.datetime | Unset):
    """

    id: int
    name: str
    deployment: str
    alert_rules: list[str]
    dataset: str
    spec: Any
    model_name: str
    enabled: bool | Unset = UNSET
    trigger: TriggerEnum | Unset = UNSET
    schedule_minutes: int | None | Unset = UNSET
    include_feedback: bool | Unset = UNSET
    rollout: Any | Unset = UNSET
    min_interval_minutes: int | Unset = UNSET
    last_triggered_at: datetime.datetime | None | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        deployment = self.deployment

        alert_rules = self.alert_rules

        dataset = self.dataset

        spec = self.spec

        model_name = self.model_name

        enabled = self.enabled

        trigger: str | Unset = UNSET
        if not isinstance(self.trigger, Unset):
            trigger = self.trigger.value

        schedule_minutes: int | None | Unset
        if isinstance(self.schedule_minutes, Unset):
            schedule_minutes = UNSET
        else:
            schedule_minutes = self.schedule_minutes

        include_feedback = self.include_feedback

        rollout = self.rollout

        min_interval_minutes = self.min_interval_minutes

        last_triggered_at: None | str | Unset
        if isinstance(self.last_triggered_at, Unset):
            last_triggered_at = UNSET
        elif isinstance(self.last_triggered_at, datetime.datetime):
            last_triggered_at = self.last_triggered_at.isoformat()
        else:
            last_triggered_at = self.last_triggered_at

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "deployment": deployment,
                "alert_rules": alert_rules,
                "dataset": dataset,
                "spec": spec,
                "model_name": model_name,
            }
        )
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if trigger is not UNSET:
            field_dict["trigger"] = trigger
        if schedule_minutes is not UNSET:
            field_dict["schedule_minutes"] = schedule_minutes
        if include_feedback is not UNSET:
            field_dict["include_feedback"] = include_feedback
        if rollout is not UNSET:
            field_dict["rollout"] = rollout
        if min_interval_minutes is not UNSET:
            field_dict["min_interval_minutes"] = min_interval_minutes
        if last_triggered_at is not UNSET:
            field_dict["last_triggered_at"] = last_triggered_at
        if created_at is not UNSET:
            field_dict["created_at"] = created_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        deployment = d.pop("deployment")

        alert_rules = cast(list[str], d.pop("alert_rules"))

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

        def _parse_last_triggered_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_triggered_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_triggered_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        last_triggered_at = _parse_last_triggered_at(d.pop("last_triggered_at", UNSET))

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        retraining_policy = cls(
            id=id,
            name=name,
            deployment=deployment,
            alert_rules=alert_rules,
            dataset=dataset,
            spec=spec,
            model_name=model_name,
            enabled=enabled,
            trigger=trigger,
            schedule_minutes=schedule_minutes,
            include_feedback=include_feedback,
            rollout=rollout,
            min_interval_minutes=min_interval_minutes,
            last_triggered_at=last_triggered_at,
            created_at=created_at,
        )

        retraining_policy.additional_properties = d
        return retraining_policy

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
