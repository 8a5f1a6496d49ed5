from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RunMetricSummary")


@_attrs_define
class RunMetricSummary:
    """
    Attributes:
        key (str):
        latest (float | None):
        latest_step (int):
        latest_timestamp (datetime.datetime):
        min_ (float | None):
        max_ (float | None):
        count (int):
    """

    key: str
    latest: float | None
    latest_step: int
    latest_timestamp: datetime.datetime
    min_: float | None
    max_: float | None
    count: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        latest: float | None
        latest = self.latest

        latest_step = self.latest_step

        latest_timestamp = self.latest_timestamp.isoformat()

        min_: float | None
        min_ = self.min_

        max_: float | None
        max_ = self.max_

        count = self.count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key": key,
                "latest": latest,
                "latest_step": latest_step,
                "latest_timestamp": latest_timestamp,
                "min": min_,
                "max": max_,
                "count": count,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key = d.pop("key")

        def _parse_latest(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        latest = _parse_latest(d.pop("latest"))

        latest_step = d.pop("latest_step")

        latest_timestamp = datetime.datetime.fromisoformat(d.pop("latest_timestamp"))

        def _parse_min_(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        min_ = _parse_min_(d.pop("min"))

        def _parse_max_(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        max_ = _parse_max_(d.pop("max"))

        count = d.pop("count")

        run_metric_summary = cls(
            key=key,
            latest=latest,
            latest_step=latest_step,
            latest_timestamp=latest_timestamp,
            min_=min_,
            max_=max_,
            count=count,
        )

        run_metric_summary.additional_properties = d
        return run_metric_summary

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
