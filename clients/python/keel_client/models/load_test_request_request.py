from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="LoadTestRequestRequest")


@_attrs_define
class LoadTestRequestRequest:
    """
    Attributes:
        max_requests (int | Unset):  Default: 500.
        max_seconds (float | Unset):  Default: 10.0.
        batch_size (int | Unset):  Default: 1.
    """

    max_requests: int | Unset = 500
    max_seconds: float | Unset = 10.0
    batch_size: int | Unset = 1
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        max_requests = self.max_requests

        max_seconds = self.max_seconds

        batch_size = self.batch_size

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if max_requests is not UNSET:
            field_dict["max_requests"] = max_requests
        if max_seconds is not UNSET:
            field_dict["max_seconds"] = max_seconds
        if batch_size is not UNSET:
            field_dict["batch_size"] = batch_size

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        max_requests = d.pop("max_requests", UNSET)

        max_seconds = d.pop("max_seconds", UNSET)

        batch_size = d.pop("batch_size", UNSET)

        load_test_request_request = cls(
            max_requests=max_requests,
            max_seconds=max_seconds,
            batch_size=batch_size,
        )

        load_test_request_request.additional_properties = d
        return load_test_request_request

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
