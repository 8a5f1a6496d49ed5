from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.rule_kind_enum import RuleKindEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="ConfigRuleRequest")


@_attrs_define
class ConfigRuleRequest:
    """
    Attributes:
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
        column (str | Unset):  Default: ''.
        params (Any | Unset):
        description (str | Unset):  Default: ''.
        enabled (bool | Unset):  Default: True.
    """

    kind: RuleKindEnum
    column: str | Unset = ""
    params: Any | Unset = UNSET
    description: str | Unset = ""
    enabled: bool | Unset = True
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        column = self.column

        params = self.params

        description = self.description

        enabled = self.enabled

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
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

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = RuleKindEnum(d.pop("kind"))

        column = d.pop("column", UNSET)

        params = d.pop("params", UNSET)

        description = d.pop("description", UNSET)

        enabled = d.pop("enabled", UNSET)

        config_rule_request = cls(
            kind=kind,
            column=column,
            params=params,
            description=description,
            enabled=enabled,
        )

        config_rule_request.additional_properties = d
        return config_rule_request

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
