from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.alert_status_enum import AlertStatusEnum
from ..models.severity_enum import SeverityEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="Alert")


@_attrs_define
class Alert:
    """
    Attributes:
        id (int):
        rule (str):
        deployment (str):
        severity (SeverityEnum): * `info` - Info
            * `warning` - Warning
            * `critical` - Critical
        message (str):
        status (AlertStatusEnum | Unset): * `firing` - Firing
            * `resolved` - Resolved
        value (float | None | Unset):
        last_value (float | None | Unset):
        started_at (datetime.datetime | Unset):
        last_evaluated_at (datetime.datetime | Unset):
        resolved_at (datetime.datetime | None | Unset):
        acknowledged_by (None | str | Unset):
        acknowledged_at (datetime.datetime | None | Unset):
        evaluations (int | Unset):
        notifications (Any | Unset):
    """

    id: int
    rule: str
    deployment: str
    severity: SeverityEnum
    message: str
    status: AlertStatusEnum | Unset = UNSET
    value: float | None | Unset = UNSET
    last_value: float | None | Unset = UNSET
    started_at: datetime.datetime | Unset = UNSET
    last_evaluated_at: datetime.datetime | Unset = UNSET
    resolved_at: datetime.datetime | None | Unset = UNSET
    acknowledged_by: None | str | Unset = UNSET
    acknowledged_at: datetime.datetime | None | Unset = UNSET
    evaluations: int | Unset = UNSET
    notifications: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        rule = self.rule

        deployment = self.deployment

        severity = self.severity.value

        message = self.message

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        value: float | None | Unset
        if isinstance(self.value, Unset):
            value = UNSET
        else:
            value = self.value

        last_value: float | None | Unset
        if isinstance(self.last_value, Unset):
            last_value = UNSET
        else:
            last_value = self.last_value

        started_at: str | Unset = UNSET
        if not isinstance(self.started_at, Unset):
            started_at = self.started_at.isoformat()

        last_evaluated_at: str | Unset = UNSET
        if not isinstance(self.last_evaluated_at, Unset):
            last_evaluated_at = self.last_evaluated_at.isoformat()

        resolved_at: None | str | Unset
        if isinstance(self.resolved_at, Unset):
            resolved_at = UNSET
        elif isinstance(self.resolved_at, datetime.datetime):
            resolved_at = self.resolved_at.isoformat()
        else:
            resolved_at = self.resolved_at

        acknowledged_by: None | str | Unset
        if isinstance(self.acknowledged_by, Unset):
            acknowledged_by = UNSET
        else:
            acknowledged_by = self.acknowledged_by

        acknowledged_at: None | str | Unset
        if isinstance(self.acknowledged_at, Unset):
            acknowledged_at = UNSET
        elif isinstance(self.acknowledged_at, datetime.datetime):
            acknowledged_at = self.acknowledged_at.isoformat()
        else:
            acknowledged_at = self.acknowledged_at

        evaluations = self.evaluations

        notifications = self.notifications

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "rule": rule,
                "deployment": deployment,
                "severity": severity,
                "message": message,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status
        if value is not UNSET:
            field_dict["value"] = value
        if last_value is not UNSET:
            field_dict["last_value"] = last_value
        if started_at is not UNSET:
            field_dict["started_at"] = started_at
        if last_evaluated_at is not UNSET:
            field_dict["last_evaluated_at"] = last_evaluated_at
        if resolved_at is not UNSET:
            field_dict["resolved_at"] = resolved_at
        if acknowledged_by is not UNSET:
            field_dict["acknowledged_by"] = acknowledged_by
        if acknowledged_at is not UNSET:
            field_dict["acknowledged_at"] = acknowledged_at
        if evaluations is not UNSET:
            field_dict["evaluations"] = evaluations
        if notifications is not UNSET:
            field_dict["notifications"] = notifications

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        rule = d.pop("rule")

        deployment = d.pop("deployment")

        severity = SeverityEnum(d.pop("severity"))

        message = d.pop("message")

        _status = d.pop("status", UNSET)
        status: AlertStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = AlertStatusEnum(_status)

        def _parse_value(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        value = _parse_value(d.pop("value", UNSET))

        def _parse_last_value(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        last_value = _parse_last_value(d.pop("last_value", UNSET))

        _started_at = d.pop("started_at", UNSET)
        started_at: datetime.datetime | Unset
        if isinstance(_started_at, Unset):
            started_at = UNSET
        else:
            started_at = datetime.datetime.fromisoformat(_started_at)

        _last_evaluated_at = d.pop("last_evaluated_at", UNSET)
        last_evaluated_at: datetime.datetime | Unset
        if isinstance(_last_evaluated_at, Unset):
            last_evaluated_at = UNSET
        else:
            last_evaluated_at = datetime.datetime.fromisoformat(_last_evaluated_at)

        def _parse_resolved_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolved_at_type_0 = datetime.datetime.fromisoformat(data)

                return resolved_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        resolved_at = _parse_resolved_at(d.pop("resolved_at", UNSET))

        def _parse_acknowledged_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        acknowledged_by = _parse_acknowledged_by(d.pop("acknowledged_by", UNSET))

        def _parse_acknowledged_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                acknowledged_at_type_0 = datetime.datetime.fromisoformat(data)

                return acknowledged_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        acknowledged_at = _parse_acknowledged_at(d.pop("acknowledged_at", UNSET))

        evaluations = d.pop("evaluations", UNSET)

        notifications = d.pop("notifications", UNSET)

        alert = cls(
            id=id,
            rule=rule,
            deployment=deployment,
            severity=severity,
            message=message,
            status=status,
            value=value,
            last_value=last_value,
            started_at=started_at,
            last_evaluated_at=last_evaluated_at,
            resolved_at=resolved_at,
            acknowledged_by=acknowledged_by,
            acknowledged_at=acknowledged_at,
            evaluations=evaluations,
            notifications=notifications,
        )

        alert.additional_properties = d
        return alert

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
