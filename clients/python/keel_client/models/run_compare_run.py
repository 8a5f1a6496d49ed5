from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.run_status_enum import RunStatusEnum

T = TypeVar("T", bound="RunCompareRun")


@_attrs_define
class RunCompareRun:
    """
    Attributes:
        run_id (str):
        name (str):
        experiment (str):
        status (RunStatusEnum):
        start_time (datetime.datetime):
        end_time (datetime.datetime | None):
    """

    run_id: str
    name: str
    experiment: str
    status: RunStatusEnum
    start_time: datetime.datetime
    end_time: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        run_id = self.run_id

        name = self.name

        experiment = self.experiment

        status = self.status.value

        start_time = self.start_time.isoformat()

        end_time: None | str
        if isinstance(self.end_time, datetime.datetime):
            end_time = self.end_time.isoformat()
        else:
            end_time = self.end_time

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "run_id": run_id,
                "name": name,
                "experiment": experiment,
                "status": status,
                "start_time": start_time,
                "end_time": end_time,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        run_id = d.pop("run_id")

        name = d.pop("name")

        experiment = d.pop("experiment")

        status = RunStatusEnum(d.pop("status"))

        start_time = datetime.datetime.fromisoformat(d.pop("start_time"))

        def _parse_end_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                end_time_type_0 = datetime.datetime.fromisoformat(data)

                return end_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        end_time = _parse_end_time(d.pop("end_time"))

        run_compare_run = cls(
            run_id=run_id,
            name=name,
            experiment=experiment,
            status=status,
            start_time=start_time,
            end_time=end_time,
        )

        run_compare_run.additional_properties = d
        return run_compare_run

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
