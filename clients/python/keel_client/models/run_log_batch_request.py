from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.run_metric_item_request import RunMetricItemRequest
    from ..models.run_param_item_request import RunParamItemRequest
    from ..models.run_tag_item_request import RunTagItemRequest


T = TypeVar("T", bound="RunLogBatchRequest")


@_attrs_define
class RunLogBatchRequest:
    """
    Attributes:
        params (list[RunParamItemRequest] | Unset):
        metrics (list[RunMetricItemRequest] | Unset):
        tags (list[RunTagItemRequest] | Unset):
    """

    params: list[RunParamItemRequest] | Unset = UNSET
    metrics: list[RunMetricItemRequest] | Unset = UNSET
    tags: list[RunTagItemRequest] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        params: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.params, Unset):
            params = []
            for params_item_data in self.params:
                params_item = params_item_data.to_dict()
                params.append(params_item)

        metrics: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.metrics, Unset):
            metrics = []
            for metrics_item_data in self.metrics:
                metrics_item = metrics_item_data.to_dict()
                metrics.append(metrics_item)

        tags: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = []
            for tags_item_data in self.tags:
                tags_item = tags_item_data.to_dict()
                tags.append(tags_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if params is not UNSET:
            field_dict["params"] = params
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_metric_item_request import RunMetricItemRequest  # noqa: PLC0415
        from ..models.run_param_item_request import RunParamItemRequest  # noqa: PLC0415
        from ..models.run_tag_item_request import RunTagItemRequest  # noqa: PLC0415

        d = dict(src_dict)
        _params = d.pop("params", UNSET)
        params: list[RunParamItemRequest] | Unset = UNSET
        if _params is not UNSET:
            params = []
            for params_item_data in _params:
                params_item = RunParamItemRequest.from_dict(params_item_data)

                params.append(params_item)

        _metrics = d.pop("metrics", UNSET)
        metrics: list[RunMetricItemRequest] | Unset = UNSET
        if _metrics is not UNSET:
            metrics = []
            for metrics_item_data in _metrics:
                metrics_item = RunMetricItemRequest.from_dict(metrics_item_data)

                metrics.append(metrics_item)

        _tags = d.pop("tags", UNSET)
        tags: list[RunTagItemRequest] | Unset = UNSET
        if _tags is not UNSET:
            tags = []
            for tags_item_data in _tags:
                tags_item = RunTagItemRequest.from_dict(tags_item_data)

                tags.append(tags_item)

        run_log_batch_request = cls(
            params=params,
            metrics=metrics,
            tags=tags,
        )

        run_log_batch_request.additional_properties = d
        return run_log_batch_request

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
