from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.column_kind_enum import ColumnKindEnum
from ..models.column_role_enum import ColumnRoleEnum

T = TypeVar("T", bound="SchemaColumn")


@_attrs_define
class SchemaColumn:
    """
    Attributes:
        name (str):
        kind (ColumnKindEnum): * `numeric` - Numeric
            * `integer` - Integer
            * `categorical` - Categorical
            * `boolean` - Boolean
            * `datetime` - Datetime
            * `text` - Text
        dtype (str):
        nullable (bool):
        role (ColumnRoleEnum): * `feature` - Feature
            * `target` - Target
            * `identifier` - Identifier
            * `timestamp` - Timestamp
            * `ignored` - Ignored
    """

    name: str
    kind: ColumnKindEnum
    dtype: str
    nullable: bool
    role: ColumnRoleEnum
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        kind = self.kind.value

        dtype = self.dtype

        nullable = self.nullable

        role = self.role.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "kind": kind,
                "dtype": dtype,
                "nullable": nullable,
                "role": role,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        kind = ColumnKindEnum(d.pop("kind"))

        dtype = d.pop("dtype")

        nullable = d.pop("nullable")

        role = ColumnRoleEnum(d.pop("role"))

        schema_column = cls(
            name=name,
            kind=kind,
            dtype=dtype,
            nullable=nullable,
            role=role,
        )

        schema_column.additional_properties = d
        return schema_column

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
