from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.model_version_upload_format_enum import ModelVersionUploadFormatEnum
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="ModelVersionUploadRequest")


@_attrs_define
class ModelVersionUploadRequest:
    """
    Attributes:
        file (File):
        input_example (Any): A JSON list of row objects used for the smoke prediction.
        format_ (ModelVersionUploadFormatEnum | Unset): * `skops` - skops Default: ModelVersionUploadFormatEnum.SKOPS.
        signature (Any | Unset):
        description (str | Unset):  Default: ''.
    """

    file: File
    input_example: Any
    format_: ModelVersionUploadFormatEnum | Unset = ModelVersionUploadFormatEnum.SKOPS
    signature: Any | Unset = UNSET
    description: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()

        input_example = self.input_example

        format_: str | Unset = UNSET
        if not isinstance(self.format_, Unset):
            format_ = self.format_.value

        signature = self.signature

        description = self.description

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "file": file,
                "input_example": input_example,
            }
        )
        if format_ is not UNSET:
            field_dict["format"] = format_
        if signature is not UNSET:
            field_dict["signature"] = signature
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))

        files.append(("input_example", (None, str(self.input_example).encode(), "text/plain")))

        if not isinstance(self.format_, Unset):
            files.append(("format", (None, str(self.format_.value).encode(), "text/plain")))

        if not isinstance(self.signature, Unset):
            files.append(("signature", (None, str(self.signature).encode(), "text/plain")))

        if not isinstance(self.description, Unset):
            files.append(("description", (None, str(self.description).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file = File(payload=BytesIO(d.pop("file")))

        input_example = d.pop("input_example")

        _format_ = d.pop("format", UNSET)
        format_: ModelVersionUploadFormatEnum | Unset
        if isinstance(_format_, Unset):
            format_ = UNSET
        else:
            format_ = ModelVersionUploadFormatEnum(_format_)

        signature = d.pop("signature", UNSET)

        description = d.pop("description", UNSET)

        model_version_upload_request = cls(
            file=file,
            input_example=input_example,
            format_=format_,
            signature=signature,
            description=description,
        )

        model_version_upload_request.additional_properties = d
        return model_version_upload_request

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
