from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.variant_role_enum import VariantRoleEnum

T = TypeVar("T", bound="VariantReadiness")


@_attrs_define
class VariantReadiness:
    """
    Attributes:
        name (str):
        role (VariantRoleEnum): * `primary` - Primary
            * `canary` - Canary
            * `shadow` - Shadow
            * `challenger` - Challenger
            * `standby` - Standby
        version (int):
        ready (bool):
        detail (str):
    """

    name: str
    role: VariantRoleEnum
    version: int
    ready: bool
    detail: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        role = self.role.value

        version = self.version

        ready = self.ready

        detail = self.detail

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "role": role,
                "version": version,
                "ready": ready,
                "detail": detail,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        role = VariantRoleEnum(d.pop("role"))

        version = d.pop("version")

        ready = d.pop("ready")

        detail = d.pop("detail")

        variant_readiness = cls(
            name=name,
            role=role,
            version=version,
            ready=ready,
            detail=detail,
        )

        variant_readiness.additional_properties = d
        return variant_readiness

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
