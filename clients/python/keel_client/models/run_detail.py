from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.lifecycle_stage_enum import LifecycleStageEnum
from ..models.run_source_enum import RunSourceEnum
from ..models.run_status_enum import RunStatusEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.run_detail_metrics import RunDetailMetrics
    from ..models.run_detail_params import RunDetailParams
    from ..models.run_detail_tags import RunDetailTags
    from ..models.run_input import RunInput
    from ..models.run_metric_summary import RunMetricSummary


T = TypeVar("T", bound="RunDetail")


@_attrs_define
class RunDetail:
    """
    Attributes:
        run_id (str):
        experiment (str):
        status (RunStatusEnum):
        source (RunSourceEnum):
        lifecycle_stage (LifecycleStageEnum):
        params (RunDetailParams):
        tags (RunDetailTags):
        metrics (RunDetailMetrics): The latest value of each metric (null for NaN).
        metric_summaries (list[RunMetricSummary]):
        inputs (list[RunInput]):
        deleted_at (datetime.datetime | None):
        updated_at (datetime.datetime):
        name (str | Unset):
        start_time (datetime.datetime | Unset):
        end_time (datetime.datetime | None | Unset):
        user (None | str | Unset):
        code_version (str | Unset):
        description (str | Unset):
        artifact_count (int | Unset):  Default: 0.
    """

    run_id: str
    experiment: str
    status: RunStatusEnum
    source: RunSourceEnum
    lifecycle_stage: LifecycleStageEnum
    params: RunDetailParams
    tags: RunDetailTags
    metrics: RunDetailMetrics
    metric_summaries: list[RunMetricSummary]
    inputs: list[RunInput]
    deleted_at: datetime.datetime | None
    updated_at: datetime.datetime
    name: str | Unset = UNSET
    start_time: datetime.datetime | Unset = UNSET
    end_time: datetime.datetime | None | Unset = UNSET
    user: None | str | Unset = UNSET
    code_version: str | Unset = UNSET
    description: str | Unset = UNSET
    artifact_count: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        run_id = self.run_id

        experiment = self.experiment

        status = self.status.value

        source = self.source.value

        lifecycle_stage = self.lifecycle_stage.value

        params = self.params.to_dict()

        tags = self.tags.to_dict()

        metrics = self.metrics.to_dict()

        metric_summaries = []
        for metric_summaries_item_data in self.metric_summaries:
            metric_summaries_item = metric_summaries_item_data.to_dict()
            metric_summaries.append(metric_summaries_item)

        inputs = []
        for inputs_item_data in self.inputs:
            inputs_item = inputs_item_data.to_dict()
            inputs.append(inputs_item)

        deleted_at: None | str
        if isinstance(self.deleted_at, datetime.datetime):
            deleted_at = self.deleted_at.isoformat()
        else:
            deleted_at = self.deleted_at

        updated_at = self.updated_at.isoformat()

        name = self.name

        start_time: str | Unset = UNSET
        if not isinstance(self.start_time, Unset):
            start_time = self.start_time.isoformat()

        end_time: None | str | Unset
        if isinstance(self.end_time, Unset):
            end_time = UNSET
        elif isinstance(self.end_time, datetime.datetime):
            end_time = self.end_time.isoformat()
        else:
            end_time = self.end_time

        user: None | str | Unset
        if isinstance(self.user, Unset):
            user = UNSET
        else:
            user = self.user

        code_version = self.code_version

        description = self.description

        artifact_count = self.artifact_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "run_id": run_id,
                "experiment": experiment,
                "status": status,
                "source": source,
                "lifecycle_stage": lifecycle_stage,
                "params": params,
                "tags": tags,
                "metrics": metrics,
                "metric_summaries": metric_summaries,
                "inputs": inputs,
                "deleted_at": deleted_at,
                "updated_at": updated_at,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if start_time is not UNSET:
            field_dict["start_time"] = start_time
        if end_time is not UNSET:
            field_dict["end_time"] = end_time
        if user is not UNSET:
            field_dict["user"] = user
        if code_version is not UNSET:
            field_dict["code_version"] = code_version
        if description is not UNSET:
            field_dict["description"] = description
        if artifact_count is not UNSET:
            field_dict["artifact_count"] = artifact_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_detail_metrics import RunDetailMetrics  # noqa: PLC0415
        from ..models.run_detail_params import RunDetailParams  # noqa: PLC0415
        from ..models.run_detail_tags import RunDetailTags  # noqa: PLC0415
        from ..models.run_input import RunInput  # noqa: PLC0415
        from ..models.run_metric_summary import RunMetricSummary  # noqa: PLC0415

        d = dict(src_dict)
        run_id = d.pop("run_id")

        experiment = d.pop("experiment")

        status = RunStatusEnum(d.pop("status"))

        source = RunSourceEnum(d.pop("source"))

        lifecycle_stage = LifecycleStageEnum(d.pop("lifecycle_stage"))

        params = RunDetailParams.from_dict(d.pop("params"))

        tags = RunDetailTags.from_dict(d.pop("tags"))

        metrics = RunDetailMetrics.from_dict(d.pop("metrics"))

        metric_summaries = []
        _metric_summaries = d.pop("metric_summaries")
        for metric_summaries_item_data in _metric_summaries:
            metric_summaries_item = RunMetricSummary.from_dict(metric_summaries_item_data)

            metric_summaries.append(metric_summaries_item)

        inputs = []
        _inputs = d.pop("inputs")
        for inputs_item_data in _inputs:
            inputs_item = RunInput.from_dict(inputs_item_data)

            inputs.append(inputs_item)

        def _parse_deleted_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                deleted_at_type_0 = datetime.datetime.fromisoformat(data)

                return deleted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        deleted_at = _parse_deleted_at(d.pop("deleted_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        name = d.pop("name", UNSET)

        _start_time = d.pop("start_time", UNSET)
        start_time: datetime.datetime | Unset
        if isinstance(_start_time, Unset):
            start_time = UNSET
        else:
            start_time = datetime.datetime.fromisoformat(_start_time)

        def _parse_end_time(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                end_time_type_0 = datetime.datetime.fromisoformat(data)

                return end_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        end_time = _parse_end_time(d.pop("end_time", UNSET))

        def _parse_user(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user = _parse_user(d.pop("user", UNSET))

        code_version = d.pop("code_version", UNSET)

        description = d.pop("description", UNSET)

        artifact_count = d.pop("artifact_count", UNSET)

        run_detail = cls(
            run_id=run_id,
            experiment=experiment,
            status=status,
            source=source,
            lifecycle_stage=lifecycle_stage,
            params=params,
            tags=tags,
            metrics=metrics,
            metric_summaries=metric_summaries,
            inputs=inputs,
            deleted_at=deleted_at,
            updated_at=updated_at,
            name=name,
            start_time=start_time,
            end_time=end_time,
            user=user,
            code_version=code_version,
            description=description,
            artifact_count=artifact_count,
        )

        run_detail.additional_properties = d
        return run_detail

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
