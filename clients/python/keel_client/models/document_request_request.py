from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.config_document_request import ConfigDocumentRequest


T = TypeVar("T", bound="DocumentRequestRequest")


@_attrs_define
class DocumentRequestRequest:
    """
    Attributes:
        document (ConfigDocumentRequest): The whole document. A kind whose key is absent is unmanaged: its objects are
            neither compared nor deleted.
    """

    document: ConfigDocumentRequest
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        document = self.document.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "document": document,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.config_document_request import ConfigDocumentRequest  # noqa: PLC0415

        d = dict(src_dict)
        document = ConfigDocumentRequest.from_dict(d.pop("document"))

        document_request_request = cls(
            document=document,
        )

        document_request_request.additional_properties = d
        return document_request_request

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
