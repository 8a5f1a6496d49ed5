from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.task_type_enum import TaskTypeEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.acceptance_criterion import AcceptanceCriterion


T = TypeVar("T", bound="Project")


@_attrs_define
class Project:
    """
    Attributes:
        slug (str):
        name (str):
        acceptance_criteria (list[AcceptanceCriterion]):
        updated_at (datetime.datetime):
        role (None | str):
        description (str | Unset):
        task_type (TaskTypeEnum | Unset): * `classification` - Classification
            * `regression` - Regression
        require_human_approval (bool | Unset):
        created_at (datetime.datetime | Unset):
    """

    slug: str
    name: str
    acceptance_criteria: list[AcceptanceCriterion]
    updated_at: datetime.datetime
    role: None | str
    description: str | Unset = UNSET
    task_type: TaskTypeEnum | Unset = UNSET
    require_human_approval: bool | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        slug = self.slug

        name = self.name

        acceptance_criteria = []
        for acceptance_criteria_item_data in self.acceptance_criteria:
            acceptance_criteria_item = acceptance_criteria_item_data.to_dict()
            acceptance_criteria.append(acceptance_criteria_item)

        updated_at = self.updated_at.isoformat()

        role: None | str
        role = self.role

        description = self.description

        task_type: str | Unset = UNSET
        if not isinstance(self.task_type, Unset):
            task_type = self.task_type.value

        require_human_approval = self.require_human_approval

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "slug": slug,
                "name": name,
                "acceptance_criteria": acceptance_criteria,
                "updated_at": updated_at,
                "role": role,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if task_type is not UNSET:
            field_dict["task_type"] = task_type
        if require_human_approval is not UNSET:
            field_dict["require_human_approval"] = require_human_approval
        if created_at is not UNSET:
            field_dict["created_at"] = created_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.acceptance_criterion import AcceptanceCriterion  # noqa: PLC0415

        d = dict(src_dict)
        slug = d.pop("slug")

        name = d.pop("name")

        acceptance_criteria = []
        _acceptance_criteria = d.pop("acceptance_criteria")
        for acceptance_criteria_item_data in _acceptance_criteria:
            acceptance_criteria_item = AcceptanceCriterion.from_dict(acceptance_criteria_item_data)

            acceptance_criteria.append(acceptance_criteria_item)

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_role(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        role = _parse_role(d.pop("role"))

        description = d.pop("description", UNSET)

        _task_type = d.pop("task_type", UNSET)
        task_type: TaskTypeEnum | Unset
        if isinstance(_task_type, Unset):
            task_type = UNSET
        else:
            task_type = TaskTypeEnum(_task_type)

        require_human_approval = d.pop("require_human_approval", UNSET)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        project = cls(
            slug=slug,
            name=name,
            acceptance_criteria=acceptance_criteria,
            updated_at=updated_at,
            role=role,
            description=description,
            task_type=task_type,
            require_human_approval=require_human_approval,
            created_at=created_at,
        )

        project.additional_properties = d
        return project

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
