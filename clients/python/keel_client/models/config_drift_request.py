from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ConfigDriftRequest")


@_attrs_define
class ConfigDriftRequest:
    """
    Attributes:
        deployment (str):
        enabled (bool | Unset):  Default: True.
        window (int | str | Unset): Report window (minutes, or 6h). Default: 60.
        cadence (int | str | Unset): How often a report runs (minutes, or 30m, 6h, 1d). Default: 60.
        options (Any | Unset):
        per_variant (bool | Unset):  Default: False.
    """

    deployment: str
    enabled: bool | Unset = True
    window: int | str | Unset = 60
    cadence: int | str | Unset = 60
    options: Any | Unset = UNSET
    per_variant: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        deployment = self.deployment

        enabled = self.enabled

        window: int | str | Unset
        if isinstance(self.window, Unset):
            window = UNSET
        else:
            window = self.window

        cadence: int | str | Unset
        if isinstance(self.cadence, Unset):
            cadence = UNSET
        else:
            cadence = self.cadence

        options = self.options

        per_variant = self.per_variant

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "deployment": deployment,
            }
        )
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if window is not UNSET:
            field_dict["window"] = window
        if cadence is not UNSET:
            field_dict["cadence"] = cadence
        if options is not UNSET:
            field_dict["options"] = options
        if per_variant is not UNSET:
            field_dict["per_variant"] = per_variant

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        deployment = d.pop("deployment")

        enabled = d.pop("enabled", UNSET)

        def _parse_window(data: object) -> int | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | str | Unset, data)

        window = _parse_window(d.pop("window", UNSET))

        def _parse_cadence(data: object) -> int | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | str | Unset, data)

        cadence = _parse_cadence(d.pop("cadence", UNSET))

        options = d.pop("options", UNSET)

        per_variant = d.pop("per_variant", UNSET)

        config_drift_request = cls(
            deployment=deployment,
            enabled=enabled,
            window=window,
            cadence=cadence,
            options=options,
            per_variant=per_variant,
        )

        config_drift_request.additional_properties = d
        return config_drift_request

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
