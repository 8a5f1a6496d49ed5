from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.run_input_role_enum import RunInputRoleEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="RunInputCreateRequest")


@_attrs_define
class RunInputCreateRequest:
    """
    Attributes:
        dataset (str): A dataset of this project.
        version (int):
        role (RunInputRoleEnum | Unset):  Default: RunInputRoleEnum.TRAINING.
    """

    dataset: str
    version: int
    role: RunInputRoleEnum | Unset = RunInputRoleEnum.TRAINING
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        dataset = self.dataset

        version = self.version

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "dataset": dataset,
                "version": version,
            }
        )
        if role is not UNSET:
            field_dict["role"] = role

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        dataset = d.pop("dataset")

        version = d.pop("version")

        _role = d.pop("role", UNSET)
        role: RunInputRoleEnum | Unset
        if isinstance(_role, Unset):
            role = UNSET
        else:
            role = RunInputRoleEnum(_role)

        run_input_create_request = cls(
            dataset=dataset,
            version=version,
            role=role,
        )

        run_input_create_request.additional_properties = d
        return run_input_create_request

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
