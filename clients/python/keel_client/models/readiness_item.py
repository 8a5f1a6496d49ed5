from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.key_enum import KeyEnum

if TYPE_CHECKING:
    from ..models.readiness_item_evidence import ReadinessItemEvidence


T = TypeVar("T", bound="ReadinessItem")


@_attrs_define
class ReadinessItem:
    """
    Attributes:
        key (KeyEnum): * `rollback` - rollback
            * `api_docs` - api_docs
            * `load_test` - load_test
            * `monitoring` - monitoring
            * `compliance` - compliance
            * `backup` - backup
        title (str):
        passed (bool):
        detail (str):
        evidence (ReadinessItemEvidence): What the decision was based on (ids, figures, times).
    """

    key: KeyEnum
    title: str
    passed: bool
    detail: str
    evidence: ReadinessItemEvidence
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key = self.key.value

        title = self.title

        passed = self.passed

        detail = self.detail

        evidence = self.evidence.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key": key,
                "title": title,
                "passed": passed,
                "detail": detail,
                "evidence": evidence,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.readiness_item_evidence import ReadinessItemEvidence  # noqa: PLC0415

        d = dict(src_dict)
        key = KeyEnum(d.pop("key"))

        title = d.pop("title")

        passed = d.pop("passed")

        detail = d.pop("detail")

        evidence = ReadinessItemEvidence.from_dict(d.pop("evidence"))

        readiness_item = cls(
            key=key,
            title=title,
            passed=passed,
            detail=detail,
            evidence=evidence,
        )

        readiness_item.additional_properties = d
        return readiness_item

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
