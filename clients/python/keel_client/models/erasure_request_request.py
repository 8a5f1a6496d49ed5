from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ErasureRequestRequest")


@_attrs_define
class ErasureRequestRequest:
    """
    Attributes:
        routing_key (str | Unset):
        subject_id (str | Unset):
    """

    routing_key: str | Unset = UNSET
    subject_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        routing_key = self.routing_key

        subject_id = self.subject_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if routing_key is not UNSET:
            field_dict["routing_key"] = routing_key
        if subject_id is not UNSET:
            field_dict["subject_id"] = subject_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        routing_key = d.pop("routing_key", UNSET)

        subject_id = d.pop("subject_id", UNSET)

        erasure_request_request = cls(
            routing_key=routing_key,
            subject_id=subject_id,
        )

        erasure_request_request.additional_properties = d
        return erasure_request_request

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
