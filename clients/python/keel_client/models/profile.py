from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.profile_column import ProfileColumn


T = TypeVar("T", bound="Profile")


@_attrs_define
class Profile:
    """
    Attributes:
        row_count (int):
        sample_size (int):
        seed (int):
        columns (list[ProfileColumn]):
    """

    row_count: int
    sample_size: int
    seed: int
    columns: list[ProfileColumn]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        row_count = self.row_count

        sample_size = self.sample_size

        seed = self.seed

        columns = []
        for columns_item_data in self.columns:
            columns_item = columns_item_data.to_dict()
            columns.append(columns_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "row_count": row_count,
                "sample_size": sample_size,
                "seed": seed,
                "columns": columns,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.profile_column import ProfileColumn  # noqa: PLC0415

        d = dict(src_dict)
        row_count = d.pop("row_count")

        sample_size = d.pop("sample_size")

        seed = d.pop("seed")

        columns = []
        _columns = d.pop("columns")
        for columns_item_data in _columns:
            columns_item = ProfileColumn.from_dict(columns_item_data)

            columns.append(columns_item)

        profile = cls(
            row_count=row_count,
            sample_size=sample_size,
            seed=seed,
            columns=columns,
        )

        profile.additional_properties = d
        return profile

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
