from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.acceptance_criterion_op_enum import AcceptanceCriterionOpEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="AcceptanceCriterion")


@_attrs_define
class AcceptanceCriterion:
    """
    Attributes:
        metric (str):
        threshold (float):
        op (AcceptanceCriterionOpEnum | Unset): * `>=` - >=
            * `>` - >
            * `<=` - <=
            * `<` - <
            * `==` - == Default: AcceptanceCriterionOpEnum.VALUE_0.
    """

    metric: str
    threshold: float
    op: AcceptanceCriterionOpEnum | Unset = AcceptanceCriterionOpEnum.VALUE_0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        metric = self.metric

        threshold = self.threshold

        op: str | Unset = UNSET
        if not isinstance(self.op, Unset):
            op = self.op.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "metric": metric,
                "threshold": threshold,
            }
        )
        if op is not UNSET:
            field_dict["op"] = op

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        metric = d.pop("metric")

        threshold = d.pop("threshold")

        _op = d.pop("op", UNSET)
        op: AcceptanceCriterionOpEnum | Unset
        if isinstance(_op, Unset):
            op = UNSET
        else:
            op = AcceptanceCriterionOpEnum(_op)

        acceptance_criterion = cls(
            metric=metric,
            threshold=threshold,
            op=op,
        )

        acceptance_criterion.additional_properties = d
        return acceptance_criterion

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
