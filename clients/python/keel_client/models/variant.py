from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.variant_role_enum import VariantRoleEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="Variant")


@_attrs_define
class Variant:
    """
    Attributes:
        name (str):
        model (str):
        version (int):
        alias (str | Unset): The alias this version was resolved from.
        role (VariantRoleEnum | Unset): * `primary` - Primary
            * `canary` - Canary
            * `shadow` - Shadow
            * `challenger` - Challenger
            * `standby` - Standby
        weight (float | Unset): Traffic share in percent (shadow: share mirrored).
    """

    name: str
    model: str
    version: int
    alias: str | Unset = UNSET
    role: VariantRoleEnum | Unset = UNSET
    weight: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        model = self.model

        version = self.version

        alias = self.alias

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role.value

        weight = self.weight

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "model": model,
                "version": version,
            }
        )
        if alias is not UNSET:
            field_dict["alias"] = alias
        if role is not UNSET:
            field_dict["role"] = role
        if weight is not UNSET:
            field_dict["weight"] = weight

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        model = d.pop("model")

        version = d.pop("version")

        alias = d.pop("alias", UNSET)

        _role = d.pop("role", UNSET)
        role: VariantRoleEnum | Unset
        if isinstance(_role, Unset):
            role = UNSET
        else:
            role = VariantRoleEnum(_role)

        weight = d.pop("weight", UNSET)

        variant = cls(
            name=name,
            model=model,
            version=version,
            alias=alias,
            role=role,
            weight=weight,
        )

        variant.additional_properties = d
        return variant

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
