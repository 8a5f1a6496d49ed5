from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.config_rule_request import ConfigRuleRequest


T = TypeVar("T", bound="ConfigDatasetRequest")


@_attrs_define
class ConfigDatasetRequest:
    """
    Attributes:
        name (str):
        description (str | Unset):  Default: ''.
        tags (Any | Unset):
        rules (list[ConfigRuleRequest] | Unset):
    """

    name: str
    description: str | Unset = ""
    tags: Any | Unset = UNSET
    rules: list[ConfigRuleRequest] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        description = self.description

        tags = self.tags

        rules: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.rules, Unset):
            rules = []
            for rules_item_data in self.rules:
                rules_item = rules_item_data.to_dict()
                rules.append(rules_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if tags is not UNSET:
            field_dict["tags"] = tags
        if rules is not UNSET:
            field_dict["rules"] = rules

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.config_rule_request import ConfigRuleRequest  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        description = d.pop("description", UNSET)

        tags = d.pop("tags", UNSET)

        _rules = d.pop("rules", UNSET)
        rules: list[ConfigRuleRequest] | Unset = UNSET
        if _rules is not UNSET:
            rules = []
            for rules_item_data in _rules:
                rules_item = ConfigRuleRequest.from_dict(rules_item_data)

                rules.append(rules_item)

        config_dataset_request = cls(
            name=name,
            description=description,
            tags=tags,
            rules=rules,
        )

        config_dataset_request.additional_properties = d
        return config_dataset_request

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
