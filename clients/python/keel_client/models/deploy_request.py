from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.strategy_enum import StrategyEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.ab_variant_request import AbVariantRequest
    from ..models.guardrails_request import GuardrailsRequest


T = TypeVar("T", bound="DeployRequest")


@_attrs_define
class DeployRequest:
    """
    Attributes:
        strategy (StrategyEnum): * `single` - Single
            * `blue_green` - Blue Green
            * `canary` - Canary
            * `rolling` - Rolling
            * `shadow` - Shadow
            * `ab_test` - Ab Test
        model (str | Unset):
        version (int | None | Unset):
        alias (None | str | Unset):
        reason (str | Unset):  Default: ''.
        fraction (float | Unset): shadow: percent of requests mirrored
        steps (list[float] | Unset): canary/rolling: traffic percent per step, ending at 100
        interval_seconds (int | Unset): canary/rolling: seconds per step
        guardrails (GuardrailsRequest | Unset):
        variants (list[AbVariantRequest] | Unset): ab_test: the variants and weights
    """

    strategy: StrategyEnum
    model: str | Unset = UNSET
    version: int | None | Unset = UNSET
    alias: None | str | Unset = UNSET
    reason: str | Unset = ""
    fraction: float | Unset = UNSET
    steps: list[float] | Unset = UNSET
    interval_seconds: int | Unset = UNSET
    guardrails: GuardrailsRequest | Unset = UNSET
    variants: list[AbVariantRequest] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        strategy = self.strategy.value

        model = self.model

        version: int | None | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version

        alias: None | str | Unset
        if isinstance(self.alias, Unset):
            alias = UNSET
        else:
            alias = self.alias

        reason = self.reason

        fraction = self.fraction

        steps: list[float] | Unset = UNSET
        if not isinstance(self.steps, Unset):
            steps = self.steps

        interval_seconds = self.interval_seconds

        guardrails: dict[str, Any] | Unset = UNSET
        if not isinstance(self.guardrails, Unset):
            guardrails = self.guardrails.to_dict()

        variants: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.variants, Unset):
            variants = []
            for variants_item_data in self.variants:
                variants_item = variants_item_data.to_dict()
                variants.append(variants_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "strategy": strategy,
            }
        )
        if model is not UNSET:
            field_dict["model"] = model
        if version is not UNSET:
            field_dict["version"] = version
        if alias is not UNSET:
            field_dict["alias"] = alias
        if reason is not UNSET:
            field_dict["reason"] = reason
        if fraction is not UNSET:
            field_dict["fraction"] = fraction
        if steps is not UNSET:
            field_dict["steps"] = steps
        if interval_seconds is not UNSET:
            field_dict["interval_seconds"] = interval_seconds
        if guardrails is not UNSET:
            field_dict["guardrails"] = guardrails
        if variants is not UNSET:
            field_dict["variants"] = variants

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ab_variant_request import AbVariantRequest  # noqa: PLC0415
        from ..models.guardrails_request import GuardrailsRequest  # noqa: PLC0415

        d = dict(src_dict)
        strategy = StrategyEnum(d.pop("strategy"))

        model = d.pop("model", UNSET)

        def _parse_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        version = _parse_version(d.pop("version", UNSET))

        def _parse_alias(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        alias = _parse_alias(d.pop("alias", UNSET))

        reason = d.pop("reason", UNSET)

        fraction = d.pop("fraction", UNSET)

        steps = cast(list[float], d.pop("steps", UNSET))

        interval_seconds = d.pop("interval_seconds", UNSET)

        _guardrails = d.pop("guardrails", UNSET)
        guardrails: GuardrailsRequest | Unset
        if isinstance(_guardrails, Unset):
            guardrails = UNSET
        else:
            guardrails = GuardrailsRequest.from_dict(_guardrails)

        _variants = d.pop("variants", UNSET)
        variants: list[AbVariantRequest] | Unset = UNSET
        if _variants is not UNSET:
            variants = []
            for variants_item_data in _variants:
                variants_item = AbVariantRequest.from_dict(variants_item_data)

                variants.append(variants_item)

        deploy_request = cls(
            strategy=strategy,
            model=model,
            version=version,
            alias=alias,
            reason=reason,
            fraction=fraction,
            steps=steps,
            interval_seconds=interval_seconds,
            guardrails=guardrails,
            variants=variants,
        )

        deploy_request.additional_properties = d
        return deploy_request

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
