from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.rule_kind_enum import RuleKindEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="ValidationRule")


@_attrs_define
class ValidationRule:
    """
    Attributes:
        id (int):
        kind (RuleKindEnum): * `column_present` - Column Present
            * `column_type` - Column Type
            * `not_null` - Not Null
            * `range` - Range
            * `allowed_set` - Allowed Set
            * `unique` - Unique
            * `regex` - Regex
            * `row_count` - Row Count
            * `no_duplicate_rows` - No Duplicate Rows
            * `statistic` - Statistic
        column (str | Unset):
        params (Any | Unset):
        description (str | Unset):
        enabled (bool | Unset):
        generated_from (int | None | Unset):
        created_at (datetime.datetime | Unset):
    """

    id: int
    kind: RuleKindEnum
    column: str | Unset = UNSET
    params: Any | Unset = UNSET
    description: str | Unset = UNSET
    enabled: bool | Unset = UNSET
    generated_from: int | None | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        kind = self.kind.value

        column = self.column

        params = self.params

        description = self.description

        enabled = self.enabled

        generated_from: int | None | Unset
        if isinstance(self.generated_from, Unset):
            generated_from = UNSET
        else:
            generated_from = self.generated_from

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "kind": kind,
            }
        )
        if column is not UNSET:
            field_dict["column"] = column
        if params is not UNSET:
            field_dict["params"] = params
        if description is not UNSET:
            field_dict["description"] = description
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if generated_from is not UNSET:
            field_dict["generated_from"] = generated_from
        if created_at is not UNSET:
            field_dict["created_at"] = created_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        kind = RuleKindEnum(d.pop("kind"))

        column = d.pop("column", UNSET)

        params = d.pop("params", UNSET)

        description = d.pop("description", UNSET)

        enabled = d.pop("enabled", UNSET)

        def _parse_generated_from(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        generated_from = _parse_generated_from(d.pop("generated_from", UNSET))

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        validation_rule = cls(
            id=id,
            kind=kind,
            column=column,
            params=params,
            description=description,
            enabled=enabled,
            generated_from=generated_from,
            created_at=created_at,
        )

        validation_rule.additional_properties = d
        return validation_rule

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
