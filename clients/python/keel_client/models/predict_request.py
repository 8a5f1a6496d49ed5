from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PredictRequest")


@_attrs_define
class PredictRequest:
    """
    Attributes:
        inputs (list[Any] | Unset): Rows as objects of feature values.
        columns (list[str] | Unset):
        data (list[list[Any]] | Unset):
        routing_key (str | Unset): Sticky routing: the same key always gets the same variant.
        subject_id (None | str | Unset): Whose data this prediction is about; every row logged with it can be erased on
            request.
        explain (bool | Unset):  Default: False.
    """

    inputs: list[Any] | Unset = UNSET
    columns: list[str] | Unset = UNSET
    data: list[list[Any]] | Unset = UNSET
    routing_key: str | Unset = UNSET
    subject_id: None | str | Unset = UNSET
    explain: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        inputs: list[Any] | Unset = UNSET
        if not isinstance(self.inputs, Unset):
            inputs = self.inputs

        columns: list[str] | Unset = UNSET
        if not isinstance(self.columns, Unset):
            columns = self.columns

        data: list[list[Any]] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = []
            for data_item_data in self.data:
                data_item = data_item_data

                data.append(data_item)

        routing_key = self.routing_key

        subject_id: None | str | Unset
        if isinstance(self.subject_id, Unset):
            subject_id = UNSET
        else:
            subject_id = self.subject_id

        explain = self.explain

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if inputs is not UNSET:
            field_dict["inputs"] = inputs
        if columns is not UNSET:
            field_dict["columns"] = columns
        if data is not UNSET:
            field_dict["data"] = data
        if routing_key is not UNSET:
            field_dict["routing_key"] = routing_key
        if subject_id is not UNSET:
            field_dict["subject_id"] = subject_id
        if explain is not UNSET:
            field_dict["explain"] = explain

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        inputs = cast(list[Any], d.pop("inputs", UNSET))

        columns = cast(list[str], d.pop("columns", UNSET))

        _data = d.pop("data", UNSET)
        data: list[list[Any]] | Unset = UNSET
        if _data is not UNSET:
            data = []
            for data_item_data in _data:
                data_item = cast(list[Any], data_item_data)

                data.append(data_item)

        routing_key = d.pop("routing_key", UNSET)

        def _parse_subject_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        subject_id = _parse_subject_id(d.pop("subject_id", UNSET))

        explain = d.pop("explain", UNSET)

        predict_request = cls(
            inputs=inputs,
            columns=columns,
            data=data,
            routing_key=routing_key,
            subject_id=subject_id,
            explain=explain,
        )

        predict_request.additional_properties = d
        return predict_request

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
