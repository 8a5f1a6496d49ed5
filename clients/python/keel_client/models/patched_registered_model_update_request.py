from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.validation_gate_request import ValidationGateRequest


T = TypeVar("T", bound="PatchedRegisteredModelUpdateRequest")


@_attrs_define
class PatchedRegisteredModelUpdateRequest:
    """
    Attributes:
        description (str | Unset):
        tags (Any | Unset):
        protected_aliases (list[str] | Unset):
        validation_gate (None | Unset | ValidationGateRequest):
    """

    description: str | Unset = UNSET
    tags: Any | Unset = UNSET
    protected_aliases: list[str] | Unset = UNSET
    validation_gate: None | Unset | ValidationGateRequest = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.validation_gate_request import ValidationGateRequest  # noqa: PLC0415

        description = self.description

        tags = self.tags

        protected_aliases: list[str] | Unset = UNSET
        if not isinstance(self.protected_aliases, Unset):
            protected_aliases = self.protected_aliases

        validation_gate: dict[str, Any] | None | Unset
        if isinstance(self.validation_gate, Unset):
            validation_gate = UNSET
        elif isinstance(self.validation_gate, ValidationGateRequest):
            validation_gate = self.validation_gate.to_dict()
        else:
            validation_gate = self.validation_gate

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if description is not UNSET:
            field_dict["description"] = description
        if tags is not UNSET:
            field_dict["tags"] = tags
        if protected_aliases is not UNSET:
            field_dict["protected_aliases"] = protected_aliases
        if validation_gate is not UNSET:
            field_dict["validation_gate"] = validation_gate

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.validation_gate_request import ValidationGateRequest  # noqa: PLC0415

        d = dict(src_dict)
        description = d.pop("description", UNSET)

        tags = d.pop("tags", UNSET)

        protected_aliases = cast(list[str], d.pop("protected_aliases", UNSET))

        def _parse_validation_gate(data: object) -> None | Unset | ValidationGateRequest:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                validation_gate_type_1 = ValidationGateRequest.from_dict(data)

                return validation_gate_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | ValidationGateRequest, data)

        validation_gate = _parse_validation_gate(d.pop("validation_gate", UNSET))

        patched_registered_model_update_request = cls(
            description=description,
            tags=tags,
            protected_aliases=protected_aliases,
            validation_gate=validation_gate,
        )

        patched_registered_model_update_request.additional_properties = d
        return patched_registered_model_update_request

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
