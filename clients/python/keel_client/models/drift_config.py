from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DriftConfig")


@_attrs_define
class DriftConfig:
    """
    Attributes:
        is_default (bool): true: nothing is stored for this deployment and this is its default schedule (enabled when
            the serving version has a reference profile); a PUT stores a config.
        updated_at (datetime.datetime | None): null for the default.
        enabled (bool | Unset):
        window_minutes (int | Unset):
        cadence_minutes (int | Unset):
        options (Any | Unset):
        per_variant (bool | Unset): Also report each live variant separately.
    """

    is_default: bool
    updated_at: datetime.datetime | None
    enabled: bool | Unset = UNSET
    window_minutes: int | Unset = UNSET
    cadence_minutes: int | Unset = UNSET
    options: Any | Unset = UNSET
    per_variant: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        is_default = self.is_default

        updated_at: None | str
        if isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        enabled = self.enabled

        window_minutes = self.window_minutes

        cadence_minutes = self.cadence_minutes

        options = self.options

        per_variant = self.per_variant

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "is_default": is_default,
                "updated_at": updated_at,
            }
        )
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if window_minutes is not UNSET:
            field_dict["window_minutes"] = window_minutes
        if cadence_minutes is not UNSET:
            field_dict["cadence_minutes"] = cadence_minutes
        if options is not UNSET:
            field_dict["options"] = options
        if per_variant is not UNSET:
            field_dict["per_variant"] = per_variant

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        is_default = d.pop("is_default")

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

        enabled = d.pop("enabled", UNSET)

        window_minutes = d.pop("window_minutes", UNSET)

        cadence_minutes = d.pop("cadence_minutes", UNSET)

        options = d.pop("options", UNSET)

        per_variant = d.pop("per_variant", UNSET)

        drift_config = cls(
            is_default=is_default,
            updated_at=updated_at,
            enabled=enabled,
            window_minutes=window_minutes,
            cadence_minutes=cadence_minutes,
            options=options,
            per_variant=per_variant,
        )

        drift_config.additional_properties = d
        return drift_config

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
