from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ModelCardSections")


@_attrs_define
class ModelCardSections:
    """
    Attributes:
        intended_use (str | Unset):
        limitations (str | Unset):
        ethical_considerations (str | Unset):
        training_data_notes (str | Unset):
        caveats (str | Unset):
    """

    intended_use: str | Unset = UNSET
    limitations: str | Unset = UNSET
    ethical_considerations: str | Unset = UNSET
    training_data_notes: str | Unset = UNSET
    caveats: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        intended_use = self.intended_use

        limitations = self.limitations

        ethical_considerations = self.ethical_considerations

        training_data_notes = self.training_data_notes

        caveats = self.caveats

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if intended_use is not UNSET:
            field_dict["intended_use"] = intended_use
        if limitations is not UNSET:
            field_dict["limitations"] = limitations
        if ethical_considerations is not UNSET:
            field_dict["ethical_considerations"] = ethical_considerations
        if training_data_notes is not UNSET:
            field_dict["training_data_notes"] = training_data_notes
        if caveats is not UNSET:
            field_dict["caveats"] = caveats

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        intended_use = d.pop("intended_use", UNSET)

        limitations = d.pop("limitations", UNSET)

        ethical_considerations = d.pop("ethical_considerations", UNSET)

        training_data_notes = d.pop("training_data_notes", UNSET)

        caveats = d.pop("caveats", UNSET)

        model_card_sections = cls(
            intended_use=intended_use,
            limitations=limitations,
            ethical_considerations=ethical_considerations,
            training_data_notes=training_data_notes,
            caveats=caveats,
        )

        model_card_sections.additional_properties = d
        return model_card_sections

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
