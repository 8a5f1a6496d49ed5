from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.run_compare_metric import RunCompareMetric
    from ..models.run_compare_param import RunCompareParam
    from ..models.run_compare_run import RunCompareRun


T = TypeVar("T", bound="RunCompare")


@_attrs_define
class RunCompare:
    """
    Attributes:
        runs (list[RunCompareRun]):
        params (list[RunCompareParam]):
        metrics (list[RunCompareMetric]):
    """

    runs: list[RunCompareRun]
    params: list[RunCompareParam]
    metrics: list[RunCompareMetric]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        runs = []
        for runs_item_data in self.runs:
            runs_item = runs_item_data.to_dict()
            runs.append(runs_item)

        params = []
        for params_item_data in self.params:
            params_item = params_item_data.to_dict()
            params.append(params_item)

        metrics = []
        for metrics_item_data in self.metrics:
            metrics_item = metrics_item_data.to_dict()
            metrics.append(metrics_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "runs": runs,
                "params": params,
                "metrics": metrics,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_compare_metric import RunCompareMetric  # noqa: PLC0415
        from ..models.run_compare_param import RunCompareParam  # noqa: PLC0415
        from ..models.run_compare_run import RunCompareRun  # noqa: PLC0415

        d = dict(src_dict)
        runs = []
        _runs = d.pop("runs")
        for runs_item_data in _runs:
            runs_item = RunCompareRun.from_dict(runs_item_data)

            runs.append(runs_item)

        params = []
        _params = d.pop("params")
        for params_item_data in _params:
            params_item = RunCompareParam.from_dict(params_item_data)

            params.append(params_item)

        metrics = []
        _metrics = d.pop("metrics")
        for metrics_item_data in _metrics:
            metrics_item = RunCompareMetric.from_dict(metrics_item_data)

            metrics.append(metrics_item)

        run_compare = cls(
            runs=runs,
            params=params,
            metrics=metrics,
        )

        run_compare.additional_properties = d
        return run_compare

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
