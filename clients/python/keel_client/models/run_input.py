from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.run_input_role_enum import RunInputRoleEnum

T = TypeVar("T", bound="RunInput")


@_attrs_define
class RunInput:
    """
    Attributes:
        dataset (str):
        version (int):
        sha256 (str):
        role (RunInputRoleEnum):
        created_at (datetime.datetime):
    """

    dataset: str
    version: int
    sha256: str
    role: RunInputRoleEnum
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        dataset = self.dataset

        version = self.version

        sha256 = self.sha256

        role = self.role.value

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "dataset": dataset,
                "version": version,
                "sha256": sha256,
                "role": role,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        dataset = d.pop("dataset")

        version = d.pop("version")

        sha256 = d.pop("sha256")

        role = RunInputRoleEnum(d.pop("role"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        run_input = cls(
            dataset=dataset,
            version=version,
            sha256=sha256,
            role=role,
            created_at=created_at,
        )

        run_input.additional_properties = d
        return run_input

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
