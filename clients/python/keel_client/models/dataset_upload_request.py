from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.dataset_upload_format_enum import DatasetUploadFormatEnum
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="DatasetUploadRequest")


@_attrs_define
class DatasetUploadRequest:
    """
    Attributes:
        file (File): A CSV (UTF-8, header row) or Parquet file.
        format_ (DatasetUploadFormatEnum | None | Unset): Defaults to the file's extension or content.

            * `csv` - csv
            * `parquet` - parquet
        message (str | Unset):  Default: ''.
        parent (int | None | Unset): The version this one derives from.
    """

    file: File
    format_: DatasetUploadFormatEnum | None | Unset = UNSET
    message: str | Unset = ""
    parent: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()

        format_: None | str | Unset
        if isinstance(self.format_, Unset):
            format_ = UNSET
        elif isinstance(self.format_, DatasetUploadFormatEnum):
            format_ = self.format_.value
        else:
            format_ = self.format_

        message = self.message

        parent: int | None | Unset
        if isinstance(self.parent, Unset):
            parent = UNSET
        else:
            parent = self.parent

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "file": file,
            }
        )
        if format_ is not UNSET:
            field_dict["format"] = format_
        if message is not UNSET:
            field_dict["message"] = message
        if parent is not UNSET:
            field_dict["parent"] = parent

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))

        if not isinstance(self.format_, Unset):
            if isinstance(self.format_, DatasetUploadFormatEnum):
                files.append(("format", (None, str(self.format_.value).encode(), "text/plain")))
            else:
                files.append(("format", (None, str(self.format_).encode(), "text/plain")))

        if not isinstance(self.message, Unset):
            files.append(("message", (None, str(self.message).encode(), "text/plain")))

        if not isinstance(self.parent, Unset):
            if isinstance(self.parent, int):
                files.append(("parent", (None, str(self.parent).encode(), "text/plain")))
            else:
                files.append(("parent", (None, str(self.parent).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file = File(payload=BytesIO(d.pop("file")))

        def _parse_format_(data: object) -> DatasetUploadFormatEnum | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                format_type_0 = DatasetUploadFormatEnum(data)

                return format_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DatasetUploadFormatEnum | None | Unset, data)

        format_ = _parse_format_(d.pop("format", UNSET))

        message = d.pop("message", UNSET)

        def _parse_parent(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        parent = _parse_parent(d.pop("parent", UNSET))

        dataset_upload_request = cls(
            file=file,
            format_=format_,
            message=message,
            parent=parent,
        )

        dataset_upload_request.additional_properties = d
        return dataset_upload_request

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
