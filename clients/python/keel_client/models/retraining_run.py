from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.retraining_run_status_enum import RetrainingRunStatusEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="RetrainingRun")


@_attrs_define
class RetrainingRun:
    """
    Attributes:
        id (int):
        policy (str):
        status (RetrainingRunStatusEnum | Unset): * `training` - Training
            * `gating` - Gating
            * `awaiting_approval` - Awaiting Approval
            * `rolling_out` - Rolling Out
            * `promoted` - Promoted
            * `rejected` - Rejected
            * `rolled_back` - Rolled Back
            * `failed` - Failed
        trigger (Any | Unset):
        trigger_key (str | Unset):
        dataset_version (int | None | Unset):
        training_job (None | Unset | UUID):
        model_version (int | None | Unset):
        champion_version (int | None | Unset):
        checks (Any | Unset):
        steps (Any | Unset):
        created_at (datetime.datetime | Unset):
        finished_at (datetime.datetime | None | Unset):
    """

    id: int
    policy: str
    status: RetrainingRunStatusEnum | Unset = UNSET
    trigger: Any | Unset = UNSET
    trigger_key: str | Unset = UNSET
    dataset_version: int | None | Unset = UNSET
    training_job: None | Unset | UUID = UNSET
    model_version: int | None | Unset = UNSET
    champion_version: int | None | Unset = UNSET
    checks: Any | Unset = UNSET
    steps: Any | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    finished_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        policy = self.policy

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        trigger = self.trigger

        trigger_key = self.trigger_key

        dataset_version: int | None | Unset
        if isinstance(self.dataset_version, Unset):
            dataset_version = UNSET
        else:
            dataset_version = self.dataset_version

        training_job: None | str | Unset
        if isinstance(self.training_job, Unset):
            training_job = UNSET
        elif isinstance(self.training_job, UUID):
            training_job = str(self.training_job)
        else:
            training_job = self.training_job

        model_version: int | None | Unset
        if isinstance(self.model_version, Unset):
            model_version = UNSET
        else:
            model_version = self.model_version

        champion_version: int | None | Unset
        if isinstance(self.champion_version, Unset):
            champion_version = UNSET
        else:
            champion_version = self.champion_version

        checks = self.checks

        steps = self.steps

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
                "policy": policy,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status
        if trigger is not UNSET:
            field_dict["trigger"] = trigger
        if trigger_key is not UNSET:
            field_dict["trigger_key"] = trigger_key
        if dataset_version is not UNSET:
            field_dict["dataset_version"] = dataset_version
        if training_job is not UNSET:
            field_dict["training_job"] = training_job
        if model_version is not UNSET:
            field_dict["model_version"] = model_version
        if champion_version is not UNSET:
            field_dict["champion_version"] = champion_version
        if checks is not UNSET:
            field_dict["checks"] = checks
        if steps is not UNSET:
            field_dict["steps"] = steps
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if finished_at is not UNSET:
            field_dict["finished_at"] = finished_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        policy = d.pop("policy")

        _status = d.pop("status", UNSET)
        status: RetrainingRunStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = RetrainingRunStatusEnum(_status)

        trigger = d.pop("trigger", UNSET)

        trigger_key = d.pop("trigger_key", UNSET)

        def _parse_dataset_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        dataset_version = _parse_dataset_version(d.pop("dataset_version", UNSET))

        def _parse_training_job(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                training_job_type_0 = UUID(data)

                return training_job_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        training_job = _parse_training_job(d.pop("training_job", UNSET))

        def _parse_model_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        model_version = _parse_model_version(d.pop("model_version", UNSET))

        def _parse_champion_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        champion_version = _parse_champion_version(d.pop("champion_version", UNSET))

        checks = d.pop("checks", UNSET)

        steps = d.pop("steps", UNSET)

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

        retraining_run = cls(
            id=id,
            policy=policy,
            status=status,
            trigger=trigger,
            trigger_key=trigger_key,
            dataset_version=dataset_version,
            training_job=training_job,
            model_version=model_version,
            champion_version=champion_version,
            checks=checks,
            steps=steps,
            created_at=created_at,
            finished_at=finished_at,
        )

        retraining_run.additional_properties = d
        return retraining_run

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
