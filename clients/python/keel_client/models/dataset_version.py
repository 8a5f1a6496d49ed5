from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.dataset_version_format_enum import DatasetVersionFormatEnum
from ..models.dataset_version_status_enum import DatasetVersionStatusEnum
from ..models.profile_status_enum import ProfileStatusEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.schema_column import SchemaColumn


T = TypeVar("T", bound="DatasetVersion")


@_attrs_define
class DatasetVersion:
    """
    Attributes:
        dataset (str):
        number (int):
        sha256 (str):
        size (int):
        format_ (DatasetVersionFormatEnum): * `csv` - Csv
            * `parquet` - Parquet
        row_count (int):
        column_count (int):
        schema (list[SchemaColumn]):
        original_filename (str | Unset):
        status (DatasetVersionStatusEnum | Unset): * `valid` - Valid
            * `invalid` - Invalid
        profile_status (ProfileStatusEnum | Unset): * `pending` - Pending
            * `ready` - Ready
            * `failed` - Failed
        parent (int | None | Unset):
        message (str | Unset):
        created_by (None | str | Unset):
        created_at (datetime.datetime | Unset):
    """

    dataset: str
    number: int
    sha256: str
    size: int
    format_: DatasetVersionFormatEnum
    row_count: int
    column_count: int
    schema: list[SchemaColumn]
    original_filename: str | Unset = UNSET
    status: DatasetVersionStatusEnum | Unset = UNSET
    profile_status: ProfileStatusEnum | Unset = UNSET
    parent: int | None | Unset = UNSET
    message: str | Unset = UNSET
    created_by: None | str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        dataset = self.dataset

        number = self.number

        sha256 = self.sha256

        size = self.size

        format_ = self.format_.value

        row_count = self.row_count

        column_count = self.column_count

        schema = []
        for schema_item_data in self.schema:
            schema_item = schema_item_data.to_dict()
            schema.append(schema_item)

        original_filename = self.original_filename

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        profile_status: str | Unset = UNSET
        if not isinstance(self.profile_status, Unset):
            profile_status = self.profile_status.value

        parent: int | None | Unset
        if isinstance(self.parent, Unset):
            parent = UNSET
        else:
            parent = self.parent

        message = self.message

        created_by: None | str | Unset
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        else:
            created_by = self.created_by

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "dataset": dataset,
                "number": number,
                "sha256": sha256,
                "size": size,
                "format": format_,
                "row_count": row_count,
                "column_count": column_count,
                "schema": schema,
            }
        )
        if original_filename is not UNSET:
            field_dict["original_filename"] = original_filename
        if status is not UNSET:
            field_dict["status"] = status
        if profile_status is not UNSET:
            field_dict["profile_status"] = profile_status
        if parent is not UNSET:
            field_dict["parent"] = parent
        if message is not UNSET:
            field_dict["message"] = message
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if created_at is not UNSET:
            field_dict["created_at"] = created_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.schema_column import SchemaColumn  # noqa: PLC0415

        d = dict(src_dict)
        dataset = d.pop("dataset")

        number = d.pop("number")

        sha256 = d.pop("sha256")

        size = d.pop("size")

        format_ = DatasetVersionFormatEnum(d.pop("format"))

        row_count = d.pop("row_count")

        column_count = d.pop("column_count")

        schema = []
        _schema = d.pop("schema")
        for schema_item_data in _schema:
            schema_item = SchemaColumn.from_dict(schema_item_data)

            schema.append(schema_item)

        original_filename = d.pop("original_filename", UNSET)

        _status = d.pop("status", UNSET)
        status: DatasetVersionStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = DatasetVersionStatusEnum(_status)

        _profile_status = d.pop("profile_status", UNSET)
        profile_status: ProfileStatusEnum | Unset
        if isinstance(_profile_status, Unset):
            profile_status = UNSET
        else:
            profile_status = ProfileStatusEnum(_profile_status)

        def _parse_parent(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        parent = _parse_parent(d.pop("parent", UNSET))

        message = d.pop("message", UNSET)

        def _parse_created_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        created_by = _parse_created_by(d.pop("created_by", UNSET))

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        dataset_version = cls(
            dataset=dataset,
            number=number,
            sha256=sha256,
            size=size,
            format_=format_,
            row_count=row_count,
            column_count=column_count,
            schema=schema,
            original_filename=original_filename,
            status=status,
            profile_status=profile_status,
            parent=parent,
            message=message,
            created_by=created_by,
            created_at=created_at,
        )

        dataset_version.additional_properties = d
        return dataset_version

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
