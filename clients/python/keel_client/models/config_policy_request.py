from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.unknown_features_enum import UnknownFeaturesEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="ConfigPolicyRequest")


@_attrs_define
class ConfigPolicyRequest:
    """
    Attributes:
        unknown_features (UnknownFeaturesEnum | Unset): * `error` - error
            * `ignore` - ignore Default: UnknownFeaturesEnum.ERROR.
        flag_out_of_range (bool | Unset):  Default: True.
        max_batch (int | Unset):  Default: 1000.
    """

    unknown_features: UnknownFeaturesEnum | Unset = UnknownFeaturesEnum.ERROR
    flag_out_of_range: bool | Unset = True
    max_batch: int | Unset = 1000
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        unknown_features: str | Unset = UNSET
        if not isinstance(self.unknown_features, Unset):
            unknown_features = self.unknown_features.value

        flag_out_of_range = self.flag_out_of_range

        max_batch = self.max_batch

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if unknown_features is not UNSET:
            field_dict["unknown_features"] = unknown_features
        if flag_out_of_range is not UNSET:
            field_dict["flag_out_of_range"] = flag_out_of_range
        if max_batch is not UNSET:
            field_dict["max_batch"] = max_batch

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

        config_policy_request = cls(
            unknown_features=unknown_features,
            flag_out_of_range=flag_out_of_range,
            max_batch=max_batch,
        )

        config_policy_request.additional_properties = d
        return config_policy_request

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
