from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PredictionExport")


@_attrs_define
class PredictionExport:
    """
    Attributes:
        id (int):
        partition (str):
        range_start (datetime.datetime):
        range_end (datetime.datetime):
        sha256 (str):
        size (int):
        row_count (int):
        erased_rows (int | Unset): Rows removed by erasure requests since the export.
        created_at (datetime.datetime | Unset):
        rewritten_at (datetime.datetime | None | Unset):
    """

    id: int
    partition: str
    range_start: datetime.datetime
    range_end: datetime.datetime
    sha256: str
    size: int
    row_count: int
    erased_rows: int | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    rewritten_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        partition = self.partition

        range_start = self.range_start.isoformat()

        range_end = self.range_end.isoformat()

        sha256 = self.sha256

        size = self.size

        row_count = self.row_count

        erased_rows = self.erased_rows

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        rewritten_at: None | str | Unset
        if isinstance(self.rewritten_at, Unset):
            rewritten_at = UNSET
        elif isinstance(self.rewritten_at, datetime.datetime):
            rewritten_at = self.rewritten_at.isoformat()
        else:
            rewritten_at = self.rewritten_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "partition": partition,
                "range_start": range_start,
                "range_end": range_end,
                "sha256": sha256,
                "size": size,
                "row_count": row_count,
            }
        )
        if erased_rows is not UNSET:
            field_dict["erased_rows"] = erased_rows
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if rewritten_at is not UNSET:
            field_dict["rewritten_at"] = rewritten_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        partition = d.pop("partition")

        range_start = datetime.datetime.fromisoformat(d.pop("range_start"))

        range_end = datetime.datetime.fromisoformat(d.pop("range_end"))

        sha256 = d.pop("sha256")

        size = d.pop("size")

        row_count = d.pop("row_count")

        erased_rows = d.pop("erased_rows", UNSET)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        def _parse_rewritten_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                rewritten_at_type_0 = datetime.datetime.fromisoformat(data)

                return rewritten_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        rewritten_at = _parse_rewritten_at(d.pop("rewritten_at", UNSET))

        prediction_export = cls(
            id=id,
            partition=partition,
            range_start=range_start,
            range_end=range_end,
            sha256=sha256,
            size=size,
            row_count=row_count,
            erased_rows=erased_rows,
            created_at=created_at,
            rewritten_at=rewritten_at,
        )

        prediction_export.additional_properties = d
        return prediction_export

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
