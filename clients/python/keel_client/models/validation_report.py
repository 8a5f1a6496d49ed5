from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.rule_result import RuleResult


T = TypeVar("T", bound="ValidationReport")


@_attrs_define
class ValidationReport:
    """
    Attributes:
        id (int):
        version (int):
        passed (bool):
        results (list[RuleResult]):
        trigger (str | Unset):
        n_rules (int | Unset):
        n_failed (int | Unset):
        created_at (datetime.datetime | Unset):
    """

    id: int
    version: int
    passed: bool
    results: list[RuleResult]
    trigger: str | Unset = UNSET
    n_rules: int | Unset = UNSET
    n_failed: int | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        version = self.version

        passed = self.passed

        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        trigger = self.trigger

        n_rules = self.n_rules

        n_failed = self.n_failed

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "version": version,
                "passed": passed,
                "results": results,
            }
        )
        if trigger is not UNSET:
            field_dict["trigger"] = trigger
        if n_rules is not UNSET:
            field_dict["n_rules"] = n_rules
        if n_failed is not UNSET:
            field_dict["n_failed"] = n_failed
        if created_at is not UNSET:
            field_dict["created_at"] = created_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rule_result import RuleResult  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        version = d.pop("version")

        passed = d.pop("passed")

        results = []
        _results = d.pop("results")
        for results_item_data in _results:
            results_item = RuleResult.from_dict(results_item_data)

            results.append(results_item)

        trigger = d.pop("trigger", UNSET)

        n_rules = d.pop("n_rules", UNSET)

        n_failed = d.pop("n_failed", UNSET)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        validation_report = cls(
            id=id,
            version=version,
            passed=passed,
            results=results,
            trigger=trigger,
            n_rules=n_rules,
            n_failed=n_failed,
            created_at=created_at,
        )

        validation_report.additional_properties = d
        return validation_report

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
