from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.task_type_enum import TaskTypeEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.acceptance_criterion import AcceptanceCriterion


T = TypeVar("T", bound="ConfigProject")


@_attrs_define
class ConfigProject:
    """
    Attributes:
        slug (str):
        name (str | Unset):
        description (str | Unset):  Default: ''.
        task_type (TaskTypeEnum | Unset): * `classification` - Classification
            * `regression` - Regression Default: TaskTypeEnum.CLASSIFICATION.
        acceptance_criteria (list[AcceptanceCriterion] | Unset):
        require_human_approval (bool | Unset):  Default: True.
    """

    slug: str
    name: str | Unset = UNSET
    description: str | Unset = ""
    task_type: TaskTypeEnum | Unset = TaskTypeEnum.CLASSIFICATION
    acceptance_criteria: list[AcceptanceCriterion] | Unset = UNSET
    require_human_approval: bool | Unset = True
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        slug = self.slug

        name = self.name

        description = self.description

        task_type: str | Unset = UNSET
        if not isinstance(self.task_type, Unset):
            task_type = self.task_type.value

        acceptance_criteria: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.acceptance_criteria, Unset):
            acceptance_criteria = []
            for acceptance_criteria_item_data in self.acceptance_criteria:
                acceptance_criteria_item = acceptance_criteria_item_data.to_dict()
                acceptance_criteria.append(acceptance_criteria_item)

        require_human_approval = self.require_human_approval

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "slug": slug,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if description is not UNSET:
            field_dict["description"] = description
        if task_type is not UNSET:
            field_dict["task_type"] = task_type
        if acceptance_criteria is not UNSET:
            field_dict["acceptance_criteria"] = acceptance_criteria
        if require_human_approval is not UNSET:
            field_dict["require_human_approval"] = require_human_approval

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.acceptance_criterion import AcceptanceCriterion  # noqa: PLC0415

        d = dict(src_dict)
        slug = d.pop("slug")

        name = d.pop("name", UNSET)

        description = d.pop("description", UNSET)

        _task_type = d.pop("task_type", UNSET)
        task_type: TaskTypeEnum | Unset
        if isinstance(_task_type, Unset):
            task_type = UNSET
        else:
            task_type = TaskTypeEnum(_task_type)

        _acceptance_criteria = d.pop("acceptance_criteria", UNSET)
        acceptance_criteria: list[AcceptanceCriterion] | Unset = UNSET
        if _acceptance_criteria is not UNSET:
            acceptance_criteria = []
            for acceptance_criteria_item_data in _acceptance_criteria:
                acceptance_criteria_item = AcceptanceCriterion.from_dict(acceptance_criteria_item_data)

                acceptance_criteria.append(acceptance_criteria_item)

        require_human_approval = d.pop("require_human_approval", UNSET)

        config_project = cls(
            slug=slug,
            name=name,
            description=description,
            task_type=task_type,
            acceptance_criteria=acceptance_criteria,
            require_human_approval=require_human_approval,
        )

        config_project.additional_properties = d
        return config_project

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
