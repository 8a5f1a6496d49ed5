from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.patched_dataset_update_request_tags import PatchedDatasetUpdateRequestTags


T = TypeVar("T", bound="PatchedDatasetUpdateRequest")


@_attrs_define
class PatchedDatasetUpdateRequest:
    """
    Attributes:
        description (str | Unset):
        tags (PatchedDatasetUpdateRequestTags | Unset):
    """

    description: str | Unset = UNSET
    tags: PatchedDatasetUpdateRequestTags | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        description = self.description

        tags: dict[str, Any] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if description is not UNSET:
            field_dict["description"] = description
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.patched_dataset_update_request_tags import PatchedDatasetUpdateRequestTags  # noqa: PLC0415

        d = dict(src_dict)
        description = d.pop("description", UNSET)

        _tags = d.pop("tags", UNSET)
        tags: PatchedDatasetUpdateRequestTags | Unset
        if isinstance(_tags, Unset):
            tags = UNSET
        else:
            tags = PatchedDatasetUpdateRequestTags.from_dict(_tags)

        patched_dataset_update_request = cls(
            description=description,
            tags=tags,
        )

        patched_dataset_update_request.additional_properties = d
        return patched_dataset_update_request

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
