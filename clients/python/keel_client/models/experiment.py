from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.lifecycle_stage_enum import LifecycleStageEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.experiment_tags import ExperimentTags


T = TypeVar("T", bound="Experiment")


@_attrs_define
class Experiment:
    """
    Attributes:
        name (str):
        tags (ExperimentTags):
        lifecycle_stage (LifecycleStageEnum):
        updated_at (datetime.datetime):
        description (str | Unset):
        run_count (int | Unset): Active runs. Default: 0.
        created_by (None | str | Unset):
        created_at (datetime.datetime | Unset):
        deleted_at (datetime.datetime | None | Unset):
    """

    name: str
    tags: ExperimentTags
    lifecycle_stage: LifecycleStageEnum
    updated_at: datetime.datetime
    description: str | Unset = UNSET
    run_count: int | Unset = 0
    created_by: None | str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    deleted_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        tags = self.tags.to_dict()

        lifecycle_stage = self.lifecycle_stage.value

        updated_at = self.updated_at.isoformat()

        description = self.description

        run_count = self.run_count

        created_by: None | str | Unset
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        else:
            created_by = self.created_by

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        deleted_at: None | str | Unset
        if isinstance(self.deleted_at, Unset):
            deleted_at = UNSET
        elif isinstance(self.deleted_at, datetime.datetime):
            deleted_at = self.deleted_at.isoformat()
        else:
            deleted_at = self.deleted_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "tags": tags,
                "lifecycle_stage": lifecycle_stage,
                "updated_at": updated_at,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if run_count is not UNSET:
            field_dict["run_count"] = run_count
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if deleted_at is not UNSET:
            field_dict["deleted_at"] = deleted_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.experiment_tags import ExperimentTags  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        tags = ExperimentTags.from_dict(d.pop("tags"))

        lifecycle_stage = LifecycleStageEnum(d.pop("lifecycle_stage"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        description = d.pop("description", UNSET)

        run_count = d.pop("run_count", UNSET)

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

        def _parse_deleted_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                deleted_at_type_0 = datetime.datetime.fromisoformat(data)

                return deleted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        deleted_at = _parse_deleted_at(d.pop("deleted_at", UNSET))

        experiment = cls(
            name=name,
            tags=tags,
            lifecycle_stage=lifecycle_stage,
            updated_at=updated_at,
            description=description,
            run_count=run_count,
            created_by=created_by,
            created_at=created_at,
            deleted_at=deleted_at,
        )

        experiment.additional_properties = d
        return experiment

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
