from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.member_role_enum import MemberRoleEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="PatchedMembershipRoleRequest")


@_attrs_define
class PatchedMembershipRoleRequest:
    """
    Attributes:
        role (MemberRoleEnum | Unset): * `viewer` - Viewer
            * `editor` - Editor
            * `maintainer` - Maintainer
            * `owner` - Owner
    """

    role: MemberRoleEnum | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if role is not UNSET:
            field_dict["role"] = role

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _role = d.pop("role", UNSET)
        role: MemberRoleEnum | Unset
        if isinstance(_role, Unset):
            role = UNSET
        else:
            role = MemberRoleEnum(_role)

        patched_membership_role_request = cls(
            role=role,
        )

        patched_membership_role_request.additional_properties = d
        return patched_membership_role_request

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
