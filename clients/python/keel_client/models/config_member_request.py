from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.member_role_enum import MemberRoleEnum

T = TypeVar("T", bound="ConfigMemberRequest")


@_attrs_define
class ConfigMemberRequest:
    """
    Attributes:
        username (str):
        role (MemberRoleEnum): * `viewer` - Viewer
            * `editor` - Editor
            * `maintainer` - Maintainer
            * `owner` - Owner
    """

    username: str
    role: MemberRoleEnum
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        username = self.username

        role = self.role.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "username": username,
                "role": role,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        username = d.pop("username")

        role = MemberRoleEnum(d.pop("role"))

        config_member_request = cls(
            username=username,
            role=role,
        )

        config_member_request.additional_properties = d
        return config_member_request

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
