from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.load_test_status_enum import LoadTestStatusEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="LoadTest")


@_attrs_define
class LoadTest:
    """
    Attributes:
        id (int):
        revision_number (int): The deployment revision that was serving.
        model_versions (Any | Unset): Model version ids of that revision.
        status (LoadTestStatusEnum | Unset): * `queued` - Queued
            * `running` - Running
            * `succeeded` - Succeeded
            * `failed` - Failed
        max_requests (int | Unset):
        max_seconds (float | Unset):
        batch_size (int | Unset):
        requests (int | Unset):
        errors (int | Unset):
        duration_s (float | None | Unset):
        rps (float | None | Unset):
        p50_ms (float | None | Unset):
        p95_ms (float | None | Unset):
        p99_ms (float | None | Unset):
        error_rate (float | None | Unset):
        detail (str | Unset):
        created_at (datetime.datetime | Unset):
        finished_at (datetime.datetime | None | Unset):
    """

    id: int
    revision_number: int
    model_versions: Any | Unset = UNSET
    status: LoadTestStatusEnum | Unset = UNSET
    max_requests: int | Unset = UNSET
    max_seconds: float | Unset = UNSET
    batch_size: int | Unset = UNSET
    requests: int | Unset = UNSET
    errors: int | Unset = UNSET
    duration_s: float | None | Unset = UNSET
    rps: float | None | Unset = UNSET
    p50_ms: float | None | Unset = UNSET
    p95_ms: float | None | Unset = UNSET
    p99_ms: float | None | Unset = UNSET
    error_rate: float | None | Unset = UNSET
    detail: str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    finished_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        revision_number = self.revision_number

        model_versions = self.model_versions

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        max_requests = self.max_requests

        max_seconds = self.max_seconds

        batch_size = self.batch_size

        requests = self.requests

        errors = self.errors

        duration_s: float | None | Unset
        if isinstance(self.duration_s, Unset):
            duration_s = UNSET
        else:
            duration_s = self.duration_s

        rps: float | None | Unset
        if isinstance(self.rps, Unset):
            rps = UNSET
        else:
            rps = self.rps

        p50_ms: float | None | Unset
        if isinstance(self.p50_ms, Unset):
            p50_ms = UNSET
        else:
            p50_ms = self.p50_ms

        p95_ms: float | None | Unset
        if isinstance(self.p95_ms, Unset):
            p95_ms = UNSET
        else:
            p95_ms = self.p95_ms

        p99_ms: float | None | Unset
        if isinstance(self.p99_ms, Unset):
            p99_ms = UNSET
        else:
            p99_ms = self.p99_ms

        error_rate: float | None | Unset
        if isinstance(self.error_rate, Unset):
            error_rate = UNSET
        else:
            error_rate = self.error_rate

        detail = self.detail

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        finished_at: None | str | Unset
        if isinstance(self.finished_at, Unset):
            finished_at = UNSET
        elif isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "revision_number": revision_number,
            }
        )
        if model_versions is not UNSET:
            field_dict["model_versions"] = model_versions
        if status is not UNSET:
            field_dict["status"] = status
        if max_requests is not UNSET:
            field_dict["max_requests"] = max_requests
        if max_seconds is not UNSET:
            field_dict["max_seconds"] = max_seconds
        if batch_size is not UNSET:
            field_dict["batch_size"] = batch_size
        if requests is not UNSET:
            field_dict["requests"] = requests
        if errors is not UNSET:
            field_dict["errors"] = errors
        if duration_s is not UNSET:
            field_dict["duration_s"] = duration_s
        if rps is not UNSET:
            field_dict["rps"] = rps
        if p50_ms is not UNSET:
            field_dict["p50_ms"] = p50_ms
        if p95_ms is not UNSET:
            field_dict["p95_ms"] = p95_ms
        if p99_ms is not UNSET:
            field_dict["p99_ms"] = p99_ms
        if error_rate is not UNSET:
            field_dict["error_rate"] = error_rate
        if detail is not UNSET:
            field_dict["detail"] = detail
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if finished_at is not UNSET:
            field_dict["finished_at"] = finished_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        revision_number = d.pop("revision_number")

        model_versions = d.pop("model_versions", UNSET)

        _status = d.pop("status", UNSET)
        status: LoadTestStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = LoadTestStatusEnum(_status)

        max_requests = d.pop("max_requests", UNSET)

        max_seconds = d.pop("max_seconds", UNSET)

        batch_size = d.pop("batch_size", UNSET)

        requests = d.pop("requests", UNSET)

        errors = d.pop("errors", UNSET)

        def _parse_duration_s(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        duration_s = _parse_duration_s(d.pop("duration_s", UNSET))

        def _parse_rps(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        rps = _parse_rps(d.pop("rps", UNSET))

        def _parse_p50_ms(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        p50_ms = _parse_p50_ms(d.pop("p50_ms", UNSET))

        def _parse_p95_ms(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        p95_ms = _parse_p95_ms(d.pop("p95_ms", UNSET))

        def _parse_p99_ms(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        p99_ms = _parse_p99_ms(d.pop("p99_ms", UNSET))

        def _parse_error_rate(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        error_rate = _parse_error_rate(d.pop("error_rate", UNSET))

        detail = d.pop("detail", UNSET)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        def _parse_finished_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        finished_at = _parse_finished_at(d.pop("finished_at", UNSET))

        load_test = cls(
            id=id,
            revision_number=revision_number,
            model_versions=model_versions,
            status=status,
            max_requests=max_requests,
            max_seconds=max_seconds,
            batch_size=batch_size,
            requests=requests,
            errors=errors,
            duration_s=duration_s,
            rps=rps,
            p50_ms=p50_ms,
            p95_ms=p95_ms,
            p99_ms=p99_ms,
            error_rate=error_rate,
            detail=detail,
            created_at=created_at,
            finished_at=finished_at,
        )

        load_test.additional_properties = d
        return load_test

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
