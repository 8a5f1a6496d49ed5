from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.change_enum import ChangeEnum

T = TypeVar("T", bound="SchemaChange")


@_attrs_define
class SchemaChange:
    """
    Attributes:
        column (str):
        change (ChangeEnum): * `added` - added
            * `removed` - removed
            * `kind_changed` - kind_changed
            * `nullable_changed` - nullable_changed
        before (Any):
        after (Any):
    """

    column: str
    change: ChangeEnum
    before: Any
    after: Any
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        column = self.column

        change = self.change.value

        before = self.before

        after = self.after

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "column": column,
                "change": change,
                "before": before,
                "after": after,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        column = d.pop("column")

        change = ChangeEnum(d.pop("change"))

        before = d.pop("before")

        after = d.pop("after")

        schema_change = cls(
            column=column,
            change=change,
            before=before,
            after=after,
        )

        schema_change.additional_properties = d
        return schema_change

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
