from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.column_change import ColumnChange
    from ..models.row_count_change import RowCountChange
    from ..models.schema_change import SchemaChange


T = TypeVar("T", bound="DatasetDiff")


@_attrs_define
class DatasetDiff:
    """
    Attributes:
        from_version (int):
        to_version (int):
        same_content (bool):
        row_count (RowCountChange):
        schema_changes (list[SchemaChange]):
        column_changes (list[ColumnChange]):
    """

    from_version: int
    to_version: int
    same_content: bool
    row_count: RowCountChange
    schema_changes: list[SchemaChange]
    column_changes: list[ColumnChange]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from_version = self.from_version

        to_version = self.to_version

        same_content = self.same_content

        row_count = self.row_count.to_dict()

        schema_changes = []
        for schema_changes_item_data in self.schema_changes:
            schema_changes_item = schema_changes_item_data.to_dict()
            schema_changes.append(schema_changes_item)

        column_changes = []
        for column_changes_item_data in self.column_changes:
            column_changes_item = column_changes_item_data.to_dict()
            column_changes.append(column_changes_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "from_version": from_version,
                "to_version": to_version,
                "same_content": same_content,
                "row_count": row_count,
                "schema_changes": schema_changes,
                "column_changes": column_changes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.column_change import ColumnChange  # noqa: PLC0415
        from ..models.row_count_change import RowCountChange  # noqa: PLC0415
        from ..models.schema_change import SchemaChange  # noqa: PLC0415

        d = dict(src_dict)
        from_version = d.pop("from_version")

        to_version = d.pop("to_version")

        same_content = d.pop("same_content")

        row_count = RowCountChange.from_dict(d.pop("row_count"))

        schema_changes = []
        _schema_changes = d.pop("schema_changes")
        for schema_changes_item_data in _schema_changes:
            schema_changes_item = SchemaChange.from_dict(schema_changes_item_data)

            schema_changes.append(schema_changes_item)

        column_changes = []
        _column_changes = d.pop("column_changes")
        for column_changes_item_data in _column_changes:
            column_changes_item = ColumnChange.from_dict(column_changes_item_data)

            column_changes.append(column_changes_item)

        dataset_diff = cls(
            from_version=from_version,
            to_version=to_version,
            same_content=same_content,
            row_count=row_count,
            schema_changes=schema_changes,
            column_changes=column_changes,
        )

        dataset_diff.additional_properties = d
        return dataset_diff

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
