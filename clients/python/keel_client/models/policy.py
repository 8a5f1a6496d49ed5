from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.missing_values_enum import MissingValuesEnum
from ..models.unknown_features_enum import UnknownFeaturesEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="Policy")


@_attrs_define
class Policy:
    """
    Attributes:
        unknown_features (UnknownFeaturesEnum | Unset): * `error` - error
            * `ignore` - ignore
        flag_out_of_range (bool | Unset):
        max_batch (int | Unset):
        missing_values (MissingValuesEnum | Unset): * `reject` - reject
            * `allow` - allow
    """

    unknown_features: UnknownFeaturesEnum | Unset = UNSET
    flag_out_of_range: bool | Unset = UNSET
    max_batch: int | Unset = UNSET
    missing_values: MissingValuesEnum | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        unknown_features: str | Unset = UNSET
        if not isinstance(self.unknown_features, Unset):
            unknown_features = self.unknown_features.value

        flag_out_of_range = self.flag_out_of_range

        max_batch = self.max_batch

        missing_values: str | Unset = UNSET
        if not isinstance(self.missing_values, Unset):
            missing_values = self.missing_values.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if unknown_features is not UNSET:
            field_dict["unknown_features"] = unknown_features
        if flag_out_of_range is not UNSET:
            field_dict["flag_out_of_range"] = flag_out_of_range
        if max_batch is not UNSET:
            field_dict["max_batch"] = max_batch
        if missing_values is not UNSET:
            field_dict["missing_values"] = missing_values

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _unknown_features = d.pop("unknown_features", UNSET)
        unknown_features: UnknownFeaturesEnum | Unset
        if isinstance(_unknown_features, Unset):
            unknown_features = UNSET
        else:
            unknown_features = UnknownFeaturesEnum(_unknown_features)

        flag_out_of_range = d.pop("flag_out_of_range", UNSET)

        max_batch = d.pop("max_batch", UNSET)

        _missing_values = d.pop("missing_values", UNSET)
        missing_values: MissingValuesEnum | Unset
        if isinstance(_missing_values, Unset):
            missing_values = UNSET
        else:
            missing_values = MissingValuesEnum(_missing_values)

        policy = cls(
            unknown_features=unknown_features,
            flag_out_of_range=flag_out_of_range,
            max_batch=max_batch,
            missing_values=missing_values,
        )

        policy.additional_properties = d
        return policy

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
