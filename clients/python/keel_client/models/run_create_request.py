from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.run_source_enum import RunSourceEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="RunCreateRequest")


@_attrs_define
class RunCreateRequest:
    """
    Attributes:
        experiment (str): The experiment's name.
        name (str | Unset):  Default: ''.
        description (str | Unset):  Default: ''.
        tags (Any | Unset):
        code_version (str | Unset):  Default: ''.
        source (RunSourceEnum | Unset):  Default: RunSourceEnum.MANUAL.
        start_time (datetime.datetime | None | Unset):
    """

    experiment: str
    name: str | Unset = ""
    description: str | Unset = ""
    tags: Any | Unset = UNSET
    code_version: str | Unset = ""
    source: RunSourceEnum | Unset = RunSourceEnum.MANUAL
    start_time: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        experiment = self.experiment

        name = self.name

        description = self.description

        tags = self.tags

        code_version = self.code_version

        source: str | Unset = UNSET
        if not isinstance(self.source, Unset):
            source = self.source.value

        start_time: None | str | Unset
        if isinstance(self.start_time, Unset):
            start_time = UNSET
        elif isinstance(self.start_time, datetime.datetime):
            start_time = self.start_time.isoformat()
        else:
            start_time = self.start_time

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "experiment": experiment,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if description is not UNSET:
            field_dict["description"] = description
        if tags is not UNSET:
            field_dict["tags"] = tags
        if code_version is not UNSET:
            field_dict["code_version"] = code_version
        if source is not UNSET:
            field_dict["source"] = source
        if start_time is not UNSET:
            field_dict["start_time"] = start_time

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        experiment = d.pop("experiment")

        name = d.pop("name", UNSET)

        description = d.pop("description", UNSET)

        tags = d.pop("tags", UNSET)

        code_version = d.pop("code_version", UNSET)

        _source = d.pop("source", UNSET)
        source: RunSourceEnum | Unset
        if isinstance(_source, Unset):
            source = UNSET
        else:
            source = RunSourceEnum(_source)

        def _parse_start_time(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                start_time_type_0 = datetime.datetime.fromisoformat(data)

                return start_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        start_time = _parse_start_time(d.pop("start_time", UNSET))

        run_create_request = cls(
            experiment=experiment,
            name=name,
            description=description,
            tags=tags,
            code_version=code_version,
            source=source,
            start_time=start_time,
        )

        run_create_request.additional_properties = d
        return run_create_request

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
