from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PredictionLogPolicy")


@_attrs_define
class PredictionLogPolicy:
    """
    Attributes:
        updated_at (datetime.datetime | None): Null until the project's policy is first changed (the defaults).
        raw_retention_days (int | Unset):
        rollup_retention_days (int | Unset):
        export_before_drop (bool | Unset): Export the project's rows of a partition to Parquet before it is dropped.
    """

    updated_at: datetime.datetime | None
    raw_retention_days: int | Unset = UNSET
    rollup_retention_days: int | Unset = UNSET
    export_before_drop: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        updated_at: None | str
        if isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        raw_retention_days = self.raw_retention_days

        rollup_retention_days = self.rollup_retention_days

        export_before_drop = self.export_before_drop

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "updated_at": updated_at,
            }
        )
        if raw_retention_days is not UNSET:
            field_dict["raw_retention_days"] = raw_retention_days
        if rollup_retention_days is not UNSET:
            field_dict["rollup_retention_days"] = rollup_retention_days
        if export_before_drop is not UNSET:
            field_dict["export_before_drop"] = export_before_drop

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_updated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)

                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        updated_at = _parse_updated_at(d.pop("updated_at"))

        raw_retention_days = d.pop("raw_retention_days", UNSET)

        rollup_retention_days = d.pop("rollup_retention_days", UNSET)

        export_before_drop = d.pop("export_before_drop", UNSET)

        prediction_log_policy = cls(
            updated_at=updated_at,
            raw_retention_days=raw_retention_days,
            rollup_retention_days=rollup_retention_days,
            export_before_drop=export_before_drop,
        )

        prediction_log_policy.additional_properties = d
        return prediction_log_policy

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
