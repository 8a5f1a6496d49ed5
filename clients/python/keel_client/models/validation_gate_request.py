from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ValidationGateRequest")


@_attrs_define
class ValidationGateRequest:
    """
    Attributes:
        metric (str):
        greater_is_better (bool | Unset):
        min_absolute_change (float | Unset):
        min_relative_change (float | Unset):
    """

    metric: str
    greater_is_better: bool | Unset = UNSET
    min_absolute_change: float | Unset = UNSET
    min_relative_change: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        metric = self.metric

        greater_is_better = self.greater_is_better

        min_absolute_change = self.min_absolute_change

        min_relative_change = self.min_relative_change

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "metric": metric,
            }
        )
        if greater_is_better is not UNSET:
            field_dict["greater_is_better"] = greater_is_better
        if min_absolute_change is not UNSET:
            field_dict["min_absolute_change"] = min_absolute_change
        if min_relative_change is not UNSET:
            field_dict["min_relative_change"] = min_relative_change

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        metric = d.pop("metric")

        greater_is_better = d.pop("greater_is_better", UNSET)

        min_absolute_change = d.pop("min_absolute_change", UNSET)

        min_relative_change = d.pop("min_relative_change", UNSET)

        validation_gate_request = cls(
            metric=metric,
            greater_is_better=greater_is_better,
            min_absolute_change=min_absolute_change,
            min_relative_change=min_relative_change,
        )

        validation_gate_request.additional_properties = d
        return validation_gate_request

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
