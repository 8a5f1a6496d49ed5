from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.drift_report_status_enum import DriftReportStatusEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="DriftReport")


@_attrs_define
class DriftReport:
    """
    Attributes:
        id (int):
        window_start (datetime.datetime):
        window_end (datetime.datetime):
        status (DriftReportStatusEnum): * `ok` - Ok
            * `warning` - Warning
            * `drift` - Drift
            * `insufficient_data` - Insufficient Data
            * `failed` - Failed
        summary (str): "10 of 30 features drifted", or why not computed.
        variant (str | Unset): Empty: all live traffic.
        model_version (int | None | Unset):
        trigger (str | Unset):
        n_rows (int | Unset):
        n_features (int | None | Unset): Evaluated feature columns.
        n_drifted (int | None | Unset): Feature columns that drifted.
        dataset_drift (bool | None | Unset):
        share_drifted (float | None | Unset):
        prediction_drift (bool | None | Unset):
        detail (str | Unset):
        result (Any | Unset):
        created_at (datetime.datetime | Unset):
    """

    id: int
    window_start: datetime.datetime
    window_end: datetime.datetime
    status: DriftReportStatusEnum
    summary: str
    variant: str | Unset = UNSET
    model_version: int | None | Unset = UNSET
    trigger: str | Unset = UNSET
    n_rows: int | Unset = UNSET
    n_features: int | None | Unset = UNSET
    n_drifted: int | None | Unset = UNSET
    dataset_drift: bool | None | Unset = UNSET
    share_drifted: float | None | Unset = UNSET
    prediction_drift: bool | None | Unset = UNSET
    detail: str | Unset = UNSET
    result: Any | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        window_start = self.window_start.isoformat()

        window_end = self.window_end.isoformat()

        status = self.status.value

        summary = self.summary

        variant = self.variant

        model_version: int | None | Unset
        if isinstance(self.model_version, Unset):
            model_version = UNSET
        else:
            model_version = self.model_version

        trigger = self.trigger

        n_rows = self.n_rows

        n_features: int | None | Unset
        if isinstance(self.n_features, Unset):
            n_features = UNSET
        else:
            n_features = self.n_features

        n_drifted: int | None | Unset
        if isinstance(self.n_drifted, Unset):
            n_drifted = UNSET
        else:
            n_drifted = self.n_drifted

        dataset_drift: bool | None | Unset
        if isinstance(self.dataset_drift, Unset):
            dataset_drift = UNSET
        else:
            dataset_drift = self.dataset_drift

        share_drifted: float | None | Unset
        if isinstance(self.share_drifted, Unset):
            share_drifted = UNSET
        else:
            share_drifted = self.share_drifted

        prediction_drift: bool | None | Unset
        if isinstance(self.prediction_drift, Unset):
            prediction_drift = UNSET
        else:
            prediction_drift = self.prediction_drift

        detail = self.detail

        result = self.result

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "window_start": window_start,
                "window_end": window_end,
                "status": status,
                "summary": summary,
            }
        )
        if variant is not UNSET:
            field_dict["variant"] = variant
        if model_version is not UNSET:
            field_dict["model_version"] = model_version
        if trigger is not UNSET:
            field_dict["trigger"] = trigger
        if n_rows is not UNSET:
            field_dict["n_rows"] = n_rows
        if n_features is not UNSET:
            field_dict["n_features"] = n_features
        if n_drifted is not UNSET:
            field_dict["n_drifted"] = n_drifted
        if dataset_drift is not UNSET:
            field_dict["dataset_drift"] = dataset_drift
        if share_drifted is not UNSET:
            field_dict["share_drifted"] = share_drifted
        if prediction_drift is not UNSET:
            field_dict["prediction_drift"] = prediction_drift
        if detail is not UNSET:
            field_dict["detail"] = detail
        if result is not UNSET:
            field_dict["result"] = result
        if created_at is not UNSET:
            field_dict["created_at"] = created_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        window_start = datetime.datetime.fromisoformat(d.pop("window_start"))

        window_end = datetime.datetime.fromisoformat(d.pop("window_end"))

        status = DriftReportStatusEnum(d.pop("status"))

        summary = d.pop("summary")

        variant = d.pop("variant", UNSET)

        def _parse_model_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        model_version = _parse_model_version(d.pop("model_version", UNSET))

        trigger = d.pop("trigger", UNSET)

        n_rows = d.pop("n_rows", UNSET)

        def _parse_n_features(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        n_features = _parse_n_features(d.pop("n_features", UNSET))

        def _parse_n_drifted(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        n_drifted = _parse_n_drifted(d.pop("n_drifted", UNSET))

        def _parse_dataset_drift(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        dataset_drift = _parse_dataset_drift(d.pop("dataset_drift", UNSET))

        def _parse_share_drifted(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        share_drifted = _parse_share_drifted(d.pop("share_drifted", UNSET))

        def _parse_prediction_drift(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        prediction_drift = _parse_prediction_drift(d.pop("prediction_drift", UNSET))

        detail = d.pop("detail", UNSET)

        result = d.pop("result", UNSET)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        drift_report = cls(
            id=id,
            window_start=window_start,
            window_end=window_end,
            status=status,
            summary=summary,
            variant=variant,
            model_version=model_version,
            trigger=trigger,
            n_rows=n_rows,
            n_features=n_features,
            n_drifted=n_drifted,
            dataset_drift=dataset_drift,
            share_drifted=share_drifted,
            prediction_drift=prediction_drift,
            detail=detail,
            result=result,
            created_at=created_at,
        )

        drift_report.additional_properties = d
        return drift_report

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
