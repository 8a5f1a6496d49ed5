from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.policy_request import PolicyRequest


T = TypeVar("T", bound="PatchedDeploymentUpdateRequest")


@_attrs_define
class PatchedDeploymentUpdateRequest:
    """
    Attributes:
        description (str | Unset):
        policy (PolicyRequest | Unset):
    """

    description: str | Unset = UNSET
    policy: PolicyRequest | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        description = self.description

        policy: dict[str, Any] | Unset = UNSET
        if not isinstance(self.policy, Unset):
            policy = self.policy.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if description is not UNSET:
            field_dict["description"] = description
        if policy is not UNSET:
            field_dict["policy"] = policy

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.policy_request import PolicyRequest  # noqa: PLC0415

        d = dict(src_dict)
        description = d.pop("description", UNSET)

        _policy = d.pop("policy", UNSET)
        policy: PolicyRequest | Unset
        if isinstance(_policy, Unset):
            policy = UNSET
        else:
            policy = PolicyRequest.from_dict(_policy)

        patched_deployment_update_request = cls(
            description=description,
            policy=policy,
        )

        patched_deployment_update_request.additional_properties = d
        return patched_deployment_update_request

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
