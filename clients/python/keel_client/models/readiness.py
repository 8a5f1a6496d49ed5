from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.readiness_item import ReadinessItem


T = TypeVar("T", bound="Readiness")


@_attrs_define
class Readiness:
    """
    Attributes:
        deployment (str):
        revision (int | None):
        ready (bool): Every item passed.
        passed (int):
        total (int):
        checked_at (datetime.datetime):
        items (list[ReadinessItem]):
    """

    deployment: str
    revision: int | None
    ready: bool
    passed: int
    total: int
    checked_at: datetime.datetime
    items: list[ReadinessItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        deployment = self.deployment

        revision: int | None
        revision = self.revision

        ready = self.ready

        passed = self.passed

        total = self.total

        checked_at = self.checked_at.isoformat()

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "deployment": deployment,
                "revision": revision,
                "ready": ready,
                "passed": passed,
                "total": total,
                "checked_at": checked_at,
                "items": items,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.readiness_item import ReadinessItem  # noqa: PLC0415

        d = dict(src_dict)
        deployment = d.pop("deployment")

        def _parse_revision(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        revision = _parse_revision(d.pop("revision"))

        ready = d.pop("ready")

        passed = d.pop("passed")

        total = d.pop("total")

        checked_at = datetime.datetime.fromisoformat(d.pop("checked_at"))

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = ReadinessItem.from_dict(items_item_data)

            items.append(items_item)

        readiness = cls(
            deployment=deployment,
            revision=revision,
            ready=ready,
            passed=passed,
            total=total,
            checked_at=checked_at,
            items=items,
        )

        readiness.additional_properties = d
        return readiness

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
