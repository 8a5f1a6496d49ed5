from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.check_evidence import CheckEvidence


T = TypeVar("T", bound="Check")


@_attrs_define
class Check:
    """
    Attributes:
        name (str):
        passed (bool):
        detail (str):
        evidence (CheckEvidence | Unset):
    """

    name: str
    passed: bool
    detail: str
    evidence: CheckEvidence | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        passed = self.passed

        detail = self.detail

        evidence: dict[str, Any] | Unset = UNSET
        if not isinstance(self.evidence, Unset):
            evidence = self.evidence.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "passed": passed,
                "detail": detail,
            }
        )
        if evidence is not UNSET:
            field_dict["evidence"] = evidence

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.check_evidence import CheckEvidence  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        passed = d.pop("passed")

        detail = d.pop("detail")

        _evidence = d.pop("evidence", UNSET)
        evidence: CheckEvidence | Unset
        if isinstance(_evidence, Unset):
            evidence = UNSET
        else:
            evidence = CheckEvidence.from_dict(_evidence)

        check = cls(
            name=name,
            passed=passed,
            detail=detail,
            evidence=evidence,
        )

        check.additional_properties = d
        return check

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
