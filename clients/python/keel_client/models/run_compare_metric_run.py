from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.run_metric_point import RunMetricPoint


T = TypeVar("T", bound="RunCompareMetricRun")


@_attrs_define
class RunCompareMetricRun:
    """
    Attributes:
        run_id (str):
        latest (float | None): The value at the greatest step.
        latest_step (int):
        min_ (float | None):
        max_ (float | None):
        count (int):
        points (list[RunMetricPoint] | Unset):
        total_points (int | Unset):
        downsampled (bool | Unset):
    """

    run_id: str
    latest: float | None
    latest_step: int
    min_: float | None
    max_: float | None
    count: int
    points: list[RunMetricPoint] | Unset = UNSET
    total_points: int | Unset = UNSET
    downsampled: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        run_id = self.run_id

        latest: float | None
        latest = self.latest

        latest_step = self.latest_step

        min_: float | None
        min_ = self.min_

        max_: float | None
        max_ = self.max_

        count = self.count

        points: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.points, Unset):
            points = []
            for points_item_data in self.points:
                points_item = points_item_data.to_dict()
                points.append(points_item)

        total_points = self.total_points

        downsampled = self.downsampled

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "run_id": run_id,
                "latest": latest,
                "latest_step": latest_step,
                "min": min_,
                "max": max_,
                "count": count,
            }
        )
        if points is not UNSET:
            field_dict["points"] = points
        if total_points is not UNSET:
            field_dict["total_points"] = total_points
        if downsampled is not UNSET:
            field_dict["downsampled"] = downsampled

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_metric_point import RunMetricPoint  # noqa: PLC0415

        d = dict(src_dict)
        run_id = d.pop("run_id")

        def _parse_latest(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        latest = _parse_latest(d.pop("latest"))

        latest_step = d.pop("latest_step")

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

        _points = d.pop("points", UNSET)
        points: list[RunMetricPoint] | Unset = UNSET
        if _points is not UNSET:
            points = []
            for points_item_data in _points:
                points_item = RunMetricPoint.from_dict(points_item_data)

                points.append(points_item)

        total_points = d.pop("total_points", UNSET)

        downsampled = d.pop("downsampled", UNSET)

        run_compare_metric_run = cls(
            run_id=run_id,
            latest=latest,
            latest_step=latest_step,
            min_=min_,
            max_=max_,
            count=count,
            points=points,
            total_points=total_points,
            downsampled=downsampled,
        )

        run_compare_metric_run.additional_properties = d
        return run_compare_metric_run

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
