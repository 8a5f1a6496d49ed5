from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.strategy_enum import StrategyEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.config_policy import ConfigPolicy
    from ..models.config_variant import ConfigVariant


T = TypeVar("T", bound="ConfigDeployment")


@_attrs_define
class ConfigDeployment:
    """
    Attributes:
        name (str):
        variants (list[ConfigVariant]):
        description (str | Unset):  Default: ''.
        policy (ConfigPolicy | Unset):
        strategy (StrategyEnum | Unset): * `single` - Single
            * `blue_green` - Blue Green
            * `canary` - Canary
            * `rolling` - Rolling
            * `shadow` - Shadow
            * `ab_test` - Ab Test
    """

    name: str
    variants: list[ConfigVariant]
    description: str | Unset = ""
    policy: ConfigPolicy | Unset = UNSET
    strategy: StrategyEnum | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        variants = []
        for variants_item_data in self.variants:
            variants_item = variants_item_data.to_dict()
            variants.append(variants_item)

        description = self.description

        policy: dict[str, Any] | Unset = UNSET
        if not isinstance(self.policy, Unset):
            policy = self.policy.to_dict()

        strategy: str | Unset = UNSET
        if not isinstance(self.strategy, Unset):
            strategy = self.strategy.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "variants": variants,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if policy is not UNSET:
            field_dict["policy"] = policy
        if strategy is not UNSET:
            field_dict["strategy"] = strategy

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.config_policy import ConfigPolicy  # noqa: PLC0415
        from ..models.config_variant import ConfigVariant  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        variants = []
        _variants = d.pop("variants")
        for variants_item_data in _variants:
            variants_item = ConfigVariant.from_dict(variants_item_data)

            variants.append(variants_item)

        description = d.pop("description", UNSET)

        _policy = d.pop("policy", UNSET)
        policy: ConfigPolicy | Unset
        if isinstance(_policy, Unset):
            policy = UNSET
        else:
            policy = ConfigPolicy.from_dict(_policy)

        _strategy = d.pop("strategy", UNSET)
        strategy: StrategyEnum | Unset
        if isinstance(_strategy, Unset):
            strategy = UNSET
        else:
            strategy = StrategyEnum(_strategy)

        config_deployment = cls(
            name=name,
            variants=variants,
            description=description,
            policy=policy,
            strategy=strategy,
        )

        config_deployment.additional_properties = d
        return config_deployment

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
