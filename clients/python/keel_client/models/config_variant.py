from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.variant_role_enum import VariantRoleEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="ConfigVariant")


@_attrs_define
class ConfigVariant:
    """
    Attributes:
        model (str):
        name (str | Unset):
        version (int | Unset):
        alias (str | Unset):
        weight (float | Unset):  Default: 100.0.
        role (VariantRoleEnum | Unset): * `primary` - Primary
            * `canary` - Canary
            * `shadow` - Shadow
            * `challenger` - Challenger
            * `standby` - Standby Default: VariantRoleEnum.PRIMARY.
    """

    model: str
    name: str | Unset = UNSET
    version: int | Unset = UNSET
    alias: str | Unset = UNSET
    weight: float | Unset = 100.0
    role: VariantRoleEnum | Unset = VariantRoleEnum.PRIMARY
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        model = self.model

        name = self.name

        version = self.version

        alias = self.alias

        weight = self.weight

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "model": model,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if version is not UNSET:
            field_dict["version"] = version
        if alias is not UNSET:
            field_dict["alias"] = alias
        if weight is not UNSET:
            field_dict["weight"] = weight
        if role is not UNSET:
            field_dict["role"] = role

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        model = d.pop("model")

        name = d.pop("name", UNSET)

        version = d.pop("version", UNSET)

        alias = d.pop("alias", UNSET)

        weight = d.pop("weight", UNSET)

        _role = d.pop("role", UNSET)
        role: VariantRoleEnum | Unset
        if isinstance(_role, Unset):
            role = UNSET
        else:
            role = VariantRoleEnum(_role)

        config_variant = cls(
            model=model,
            name=name,
            version=version,
            alias=alias,
            weight=weight,
            role=role,
        )

        config_variant.additional_properties = d
        return config_variant

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
