from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="GuardrailsRequest")


@_attrs_define
class GuardrailsRequest:
    """
    Attributes:
        max_error_rate (float | Unset):
        max_error_rate_increase (float | Unset):
        max_p95_ratio (float | Unset):
        max_quality_drop (float | Unset):
        max_p95_ms (float | Unset):
        p95_ratio_min_ms (float | Unset): The p95 ratio is judged only once the new version's p95 reaches this many ms
            (default 5): a ratio of sub-millisecond latencies measures scheduling noise.
        min_requests (int | Unset):
        min_labelled (int | Unset):
    """

    max_error_rate: float | Unset = UNSET
    max_error_rate_increase: float | Unset = UNSET
    max_p95_ratio: float | Unset = UNSET
    max_quality_drop: float | Unset = UNSET
    max_p95_ms: float | Unset = UNSET
    p95_ratio_min_ms: float | Unset = UNSET
    min_requests: int | Unset = UNSET
    min_labelled: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        max_error_rate = self.max_error_rate

        max_error_rate_increase = self.max_error_rate_increase

        max_p95_ratio = self.max_p95_ratio

        max_quality_drop = self.max_quality_drop

        max_p95_ms = self.max_p95_ms

        p95_ratio_min_ms = self.p95_ratio_min_ms

        min_requests = self.min_requests

        min_labelled = self.min_labelled

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if max_error_rate is not UNSET:
            field_dict["max_error_rate"] = max_error_rate
        if max_error_rate_increase is not UNSET:
            field_dict["max_error_rate_increase"] = max_error_rate_increase
        if max_p95_ratio is not UNSET:
            field_dict["max_p95_ratio"] = max_p95_ratio
        if max_quality_drop is not UNSET:
            field_dict["max_quality_drop"] = max_quality_drop
        if max_p95_ms is not UNSET:
            field_dict["max_p95_ms"] = max_p95_ms
        if p95_ratio_min_ms is not UNSET:
            field_dict["p95_ratio_min_ms"] = p95_ratio_min_ms
        if min_requests is not UNSET:
            field_dict["min_requests"] = min_requests
        if min_labelled is not UNSET:
            field_dict["min_labelled"] = min_labelled

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        max_error_rate = d.pop("max_error_rate", UNSET)

        max_error_rate_increase = d.pop("max_error_rate_increase", UNSET)

        max_p95_ratio = d.pop("max_p95_ratio", UNSET)

        max_quality_drop = d.pop("max_quality_drop", UNSET)

        max_p95_ms = d.pop("max_p95_ms", UNSET)

        p95_ratio_min_ms = d.pop("p95_ratio_min_ms", UNSET)

        min_requests = d.pop("min_requests", UNSET)

        min_labelled = d.pop("min_labelled", UNSET)

        guardrails_request = cls(
            max_error_rate=max_error_rate,
            max_error_rate_increase=max_error_rate_increase,
            max_p95_ratio=max_p95_ratio,
            max_quality_drop=max_quality_drop,
            max_p95_ms=max_p95_ms,
            p95_ratio_min_ms=p95_ratio_min_ms,
            min_requests=min_requests,
            min_labelled=min_labelled,
        )

        guardrails_request.additional_properties = d
        return guardrails_request

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
