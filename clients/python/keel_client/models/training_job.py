from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.training_job_status_enum import TrainingJobStatusEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.progress import Progress


T = TypeVar("T", bound="TrainingJob")


@_attrs_define
class TrainingJob:
    """
    Attributes:
        id (UUID):
        status (TrainingJobStatusEnum): * `queued` - Queued
            * `running` - Running
            * `succeeded` - Succeeded
            * `failed` - Failed
            * `cancelled` - Cancelled
        dataset (str):
        dataset_version (int):
        spec (Any):
        progress (Progress):
        time_limit (int): Seconds of training before the job is stopped.
        experiment_name (str | Unset):
        run_name (str | Unset):
        code_version (str | Unset):
        allow_invalid_data (bool | Unset):
        register_model_name (str | Unset):
        model_version (int | None | Unset):
        cancel_requested (bool | Unset):
        error (str | Unset):
        attempts (int | Unset):
        max_attempts (int | Unset):
        run_id (None | str | Unset):
        result (Any | Unset):
        created_by (None | str | Unset):
        created_at (datetime.datetime | Unset):
        started_at (datetime.datetime | None | Unset):
        finished_at (datetime.datetime | None | Unset):
    """

    id: UUID
    status: TrainingJobStatusEnum
    dataset: str
    dataset_version: int
    spec: Any
    progress: Progress
    time_limit: int
    experiment_name: str | Unset = UNSET
    run_name: str | Unset = UNSET
    code_version: str | Unset = UNSET
    allow_invalid_data: bool | Unset = UNSET
    register_model_name: str | Unset = UNSET
    model_version: int | None | Unset = UNSET
    cancel_requested: bool | Unset = UNSET
    error: str | Unset = UNSET
    attempts: int | Unset = UNSET
    max_attempts: int | Unset = UNSET
    run_id: None | str | Unset = UNSET
    result: Any | Unset = UNSET
    created_by: None | str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    started_at: datetime.datetime | None | Unset = UNSET
    finished_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        status = self.status.value

        dataset = self.dataset

        dataset_version = self.dataset_version

        spec = self.spec

        progress = self.progress.to_dict()

        time_limit = self.time_limit

        experiment_name = self.experiment_name

        run_name = self.run_name

        code_version = self.code_version

        allow_invalid_data = self.allow_invalid_data

        register_model_name = self.register_model_name

        model_version: int | None | Unset
        if isinstance(self.model_version, Unset):
            model_version = UNSET
        else:
            model_version = self.model_version

        cancel_requested = self.cancel_requested

        error = self.error

        attempts = self.attempts

        max_attempts = self.max_attempts

        run_id: None | str | Unset
        if isinstance(self.run_id, Unset):
            run_id = UNSET
        else:
            run_id = self.run_id

        result = self.result

        created_by: None | str | Unset
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        else:
            created_by = self.created_by

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        started_at: None | str | Unset
        if isinstance(self.started_at, Unset):
            started_at = UNSET
        elif isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

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
                "status": status,
                "dataset": dataset,
                "dataset_version": dataset_version,
                "spec": spec,
                "progress": progress,
                "time_limit": time_limit,
            }
        )
        if experiment_name is not UNSET:
            field_dict["experiment_name"] = experiment_name
        if run_name is not UNSET:
            field_dict["run_name"] = run_name
        if code_version is not UNSET:
            field_dict["code_version"] = code_version
        if allow_invalid_data is not UNSET:
            field_dict["allow_invalid_data"] = allow_invalid_data
        if register_model_name is not UNSET:
            field_dict["register_model_name"] = register_model_name
        if model_version is not UNSET:
            field_dict["model_version"] = model_version
        if cancel_requested is not UNSET:
            field_dict["cancel_requested"] = cancel_requested
        if error is not UNSET:
            field_dict["error"] = error
        if attempts is not UNSET:
            field_dict["attempts"] = attempts
        if max_attempts is not UNSET:
            field_dict["max_attempts"] = max_attempts
        if run_id is not UNSET:
            field_dict["run_id"] = run_id
        if result is not UNSET:
            field_dict["result"] = result
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if started_at is not UNSET:
            field_dict["started_at"] = started_at
        if finished_at is not UNSET:
            field_dict["finished_at"] = finished_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.progress import Progress  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        status = TrainingJobStatusEnum(d.pop("status"))

        dataset = d.pop("dataset")

        dataset_version = d.pop("dataset_version")

        spec = d.pop("spec")

        progress = Progress.from_dict(d.pop("progress"))

        time_limit = d.pop("time_limit")

        experiment_name = d.pop("experiment_name", UNSET)

        run_name = d.pop("run_name", UNSET)

        code_version = d.pop("code_version", UNSET)

        allow_invalid_data = d.pop("allow_invalid_data", UNSET)

        register_model_name = d.pop("register_model_name", UNSET)

        def _parse_model_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        model_version = _parse_model_version(d.pop("model_version", UNSET))

        cancel_requested = d.pop("cancel_requested", UNSET)

        error = d.pop("error", UNSET)

        attempts = d.pop("attempts", UNSET)

        max_attempts = d.pop("max_attempts", UNSET)

        def _parse_run_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        run_id = _parse_run_id(d.pop("run_id", UNSET))

        result = d.pop("result", UNSET)

        def _parse_created_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        created_by = _parse_created_by(d.pop("created_by", UNSET))

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        def _parse_started_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        started_at = _parse_started_at(d.pop("started_at", UNSET))

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

        training_job = cls(
            id=id,
            status=status,
            dataset=dataset,
            dataset_version=dataset_version,
            spec=spec,
            progress=progress,
            time_limit=time_limit,
            experiment_name=experiment_name,
            run_name=run_name,
            code_version=code_version,
            allow_invalid_data=allow_invalid_data,
            register_model_name=register_model_name,
            model_version=model_version,
            cancel_requested=cancel_requested,
            error=error,
            attempts=attempts,
            max_attempts=max_attempts,
            run_id=run_id,
            result=result,
            created_by=created_by,
            created_at=created_at,
            started_at=started_at,
            finished_at=finished_at,
        )

        training_job.additional_properties = d
        return training_job

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
