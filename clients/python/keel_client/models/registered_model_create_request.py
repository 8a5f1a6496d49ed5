from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.validation_gate_request import ValidationGateRequest


T = TypeVar("T", bound="RegisteredModelCreateRequest")


@_attrs_define
class RegisteredModelCreateRequest:
    """
    Attributes:
        name (str):
        description (str | Unset):  Default: ''.
        tags (Any | Unset):
        protected_aliases (list[str] | Unset):
        validation_gate (ValidationGateRequest | Unset):
    """

    name: str
    description: str | Unset = ""
    tags: Any | Unset = UNSET
    protected_aliases: list[str] | Unset = UNSET
    validation_gate: ValidationGateRequest | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        description = self.description

        tags = self.tags

        protected_aliases: list[str] | Unset = UNSET
        if not isinstance(self.protected_aliases, Unset):
            protected_aliases = self.protected_aliases

        validation_gate: dict[str, Any] | Unset = UNSET
        if not isinstance(self.validation_gate, Unset):
            validation_gate = self.validation_gate.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
            }
        )
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
        name = d.pop("name")

        description = d.pop("description", UNSET)

        tags = d.pop("tags", UNSET)

        protected_aliases = cast(list[str], d.pop("protected_aliases", UNSET))

        _validation_gate = d.pop("validation_gate", UNSET)
        validation_gate: ValidationGateRequest | Unset
        if isinstance(_validation_gate, Unset):
            validation_gate = UNSET
        else:
            validation_gate = ValidationGateRequest.from_dict(_validation_gate)

        registered_model_create_request = cls(
            name=name,
            description=description,
            tags=tags,
            protected_aliases=protected_aliases,
            validation_gate=validation_gate,
        )

        registered_model_create_request.additional_properties = d
        return registered_model_create_request

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
