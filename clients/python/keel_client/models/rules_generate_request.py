from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="RulesGenerateRequest")


@_attrs_define
class RulesGenerateRequest:
    """
    Attributes:
        reference_version (int):
        tolerance (float | Unset):  Default: 0.1.
        replace (bool | Unset): Delete previously generated rules first. Default: False.
    """

    reference_version: int
    tolerance: float | Unset = 0.1
    replace: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        reference_version = self.reference_version

        tolerance = self.tolerance

        replace = self.replace

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "reference_version": reference_version,
            }
        )
        if tolerance is not UNSET:
            field_dict["tolerance"] = tolerance
        if replace is not UNSET:
            field_dict["replace"] = replace

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reference_version = d.pop("reference_version")

        tolerance = d.pop("tolerance", UNSET)

        replace = d.pop("replace", UNSET)

        rules_generate_request = cls(
            reference_version=reference_version,
            tolerance=tolerance,
            replace=replace,
        )

        rules_generate_request.additional_properties = d
        return rules_generate_request

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
