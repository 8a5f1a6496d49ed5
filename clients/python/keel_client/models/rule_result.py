from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.rule_result_params import RuleResultParams


T = TypeVar("T", bound="RuleResult")


@_attrs_define
class RuleResult:
    """
    Attributes:
        rule_id (int | None):
        kind (str):
        column (str):
        params (RuleResultParams):
        passed (bool):
        observed (Any):
        message (str):
        failing_examples (list[Any]):
    """

    rule_id: int | None
    kind: str
    column: str
    params: RuleResultParams
    passed: bool
    observed: Any
    message: str
    failing_examples: list[Any]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        rule_id: int | None
        rule_id = self.rule_id

        kind = self.kind

        column = self.column

        params = self.params.to_dict()

        passed = self.passed

        observed = self.observed

        message = self.message

        failing_examples = self.failing_examples

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "rule_id": rule_id,
                "kind": kind,
                "column": column,
                "params": params,
                "passed": passed,
                "observed": observed,
                "message": message,
                "failing_examples": failing_examples,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rule_result_params import RuleResultParams  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_rule_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        rule_id = _parse_rule_id(d.pop("rule_id"))

        kind = d.pop("kind")

        column = d.pop("column")

        params = RuleResultParams.from_dict(d.pop("params"))

        passed = d.pop("passed")

        observed = d.pop("observed")

        message = d.pop("message")

        failing_examples = cast(list[Any], d.pop("failing_examples"))

        rule_result = cls(
            rule_id=rule_id,
            kind=kind,
            column=column,
            params=params,
            passed=passed,
            observed=observed,
            message=message,
            failing_examples=failing_examples,
        )

        rule_result.additional_properties = d
        return rule_result

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
