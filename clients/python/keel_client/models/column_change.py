from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.column_change_changes import ColumnChangeChanges


T = TypeVar("T", bound="ColumnChange")


@_attrs_define
class ColumnChange:
    """
    Attributes:
        column (str):
        changes (ColumnChangeChanges):
    """

    column: str
    changes: ColumnChangeChanges
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        column = self.column

        changes = self.changes.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "column": column,
                "changes": changes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.column_change_changes import ColumnChangeChanges  # noqa: PLC0415

        d = dict(src_dict)
        column = d.pop("column")

        changes = ColumnChangeChanges.from_dict(d.pop("changes"))

        column_change = cls(
            column=column,
            changes=changes,
        )

        column_change.additional_properties = d
        return column_change

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
