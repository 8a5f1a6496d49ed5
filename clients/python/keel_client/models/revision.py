from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.strategy_enum import StrategyEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.variant import Variant


T = TypeVar("T", bound="Revision")


@_attrs_define
class Revision:
    """
    Attributes:
        number (int):
        strategy (StrategyEnum): * `single` - Single
            * `blue_green` - Blue Green
            * `canary` - Canary
            * `rolling` - Rolling
            * `shadow` - Shadow
            * `ab_test` - Ab Test
        variants (list[Variant]):
        reason (str | Unset):
        parent (int | None | Unset):
        created_by (None | str | Unset):
        created_at (datetime.datetime | Unset):
    """

    number: int
    strategy: StrategyEnum
    variants: list[Variant]
    reason: str | Unset = UNSET
    parent: int | None | Unset = UNSET
    created_by: None | str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        number = self.number

        strategy = self.strategy.value

        variants = []
        for variants_item_data in self.variants:
            variants_item = variants_item_data.to_dict()
            variants.append(variants_item)

        reason = self.reason

        parent: int | None | Unset
        if isinstance(self.parent, Unset):
            parent = UNSET
        else:
            parent = self.parent

        created_by: None | str | Unset
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        else:
            created_by = self.created_by

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "number": number,
                "strategy": strategy,
                "variants": variants,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason
        if parent is not UNSET:
            field_dict["parent"] = parent
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if created_at is not UNSET:
            field_dict["created_at"] = created_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.variant import Variant  # noqa: PLC0415

        d = dict(src_dict)
        number = d.pop("number")

        strategy = StrategyEnum(d.pop("strategy"))

        variants = []
        _variants = d.pop("variants")
        for variants_item_data in _variants:
            variants_item = Variant.from_dict(variants_item_data)

            variants.append(variants_item)

        reason = d.pop("reason", UNSET)

        def _parse_parent(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        parent = _parse_parent(d.pop("parent", UNSET))

        def _parse_created_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        created_by = _parse_created_by(d.pop("created_by", UNSET))

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        revision = cls(
            number=number,
            strategy=strategy,
            variants=variants,
            reason=reason,
            parent=parent,
            created_by=created_by,
            created_at=created_at,
        )

        revision.additional_properties = d
        return revision

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
