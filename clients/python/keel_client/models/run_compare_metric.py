from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.run_compare_metric_run import RunCompareMetricRun


T = TypeVar("T", bound="RunCompareMetric")


@_attrs_define
class RunCompareMetric:
    """
    Attributes:
        key (str):
        runs (list[RunCompareMetricRun]): Only the runs that logged this key.
    """

    key: str
    runs: list[RunCompareMetricRun]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        runs = []
        for runs_item_data in self.runs:
            runs_item = runs_item_data.to_dict()
            runs.append(runs_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key": key,
                "runs": runs,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_compare_metric_run import RunCompareMetricRun  # noqa: PLC0415

        d = dict(src_dict)
        key = d.pop("key")

        runs = []
        _runs = d.pop("runs")
        for runs_item_data in _runs:
            runs_item = RunCompareMetricRun.from_dict(runs_item_data)

            runs.append(runs_item)

        run_compare_metric = cls(
            key=key,
            runs=runs,
        )

        run_compare_metric.additional_properties = d
        return run_compare_metric

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
