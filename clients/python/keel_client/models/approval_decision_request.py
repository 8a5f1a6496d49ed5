from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.decision_enum import DecisionEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="ApprovalDecisionRequest")


@_attrs_define
class ApprovalDecisionRequest:
    """
    Attributes:
        decision (DecisionEnum): * `approve` - approve
            * `reject` - reject
        comment (str | Unset):  Default: ''.
        override (bool | Unset): Approve although required checks fail (needs override_reason). Default: False.
        override_reason (str | Unset):  Default: ''.
    """

    decision: DecisionEnum
    comment: str | Unset = ""
    override: bool | Unset = False
    override_reason: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        decision = self.decision.value

        comment = self.comment

        override = self.override

        override_reason = self.override_reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "decision": decision,
            }
        )
        if comment is not UNSET:
            field_dict["comment"] = comment
        if override is not UNSET:
            field_dict["override"] = override
        if override_reason is not UNSET:
            field_dict["override_reason"] = override_reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        decision = DecisionEnum(d.pop("decision"))

        comment = d.pop("comment", UNSET)

        override = d.pop("override", UNSET)

        override_reason = d.pop("override_reason", UNSET)

        approval_decision_request = cls(
            decision=decision,
            comment=comment,
            override=override,
            override_reason=override_reason,
        )

        approval_decision_request.additional_properties = d
        return approval_decision_request

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
