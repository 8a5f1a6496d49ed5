from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.feedback_item_request import FeedbackItemRequest


T = TypeVar("T", bound="FeedbackBatchRequest")


@_attrs_define
class FeedbackBatchRequest:
    """
    Attributes:
        items (list[FeedbackItemRequest] | Unset):
        prediction_id (str | Unset):
        value (Any | Unset):
        overwrite (bool | Unset):  Default: False.
    """

    items: list[FeedbackItemRequest] | Unset = UNSET
    prediction_id: str | Unset = UNSET
    value: Any | Unset = UNSET
    overwrite: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        items: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.items, Unset):
            items = []
            for items_item_data in self.items:
                items_item = items_item_data.to_dict()
                items.append(items_item)

        prediction_id = self.prediction_id

        value = self.value

        overwrite = self.overwrite

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if items is not UNSET:
            field_dict["items"] = items
        if prediction_id is not UNSET:
            field_dict["prediction_id"] = prediction_id
        if value is not UNSET:
            field_dict["value"] = value
        if overwrite is not UNSET:
            field_dict["overwrite"] = overwrite

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.feedback_item_request import FeedbackItemRequest  # noqa: PLC0415

        d = dict(src_dict)
        _items = d.pop("items", UNSET)
        items: list[FeedbackItemRequest] | Unset = UNSET
        if _items is not UNSET:
            items = []
            for items_item_data in _items:
                items_item = FeedbackItemRequest.from_dict(items_item_data)

                items.append(items_item)

        prediction_id = d.pop("prediction_id", UNSET)

        value = d.pop("value", UNSET)

        overwrite = d.pop("overwrite", UNSET)

        feedback_batch_request = cls(
            items=items,
            prediction_id=prediction_id,
            value=value,
            overwrite=overwrite,
        )

        feedback_batch_request.additional_properties = d
        return feedback_batch_request

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
