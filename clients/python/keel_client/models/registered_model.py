from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.registered_model_aliases import RegisteredModelAliases
    from ..models.registered_model_validation_gate import RegisteredModelValidationGate


T = TypeVar("T", bound="RegisteredModel")


@_attrs_define
class RegisteredModel:
    """
    Attributes:
        name (str):
        validation_gate (RegisteredModelValidationGate):
        aliases (RegisteredModelAliases):
        latest_version (int | None):
        version_count (int):
        updated_at (datetime.datetime):
        description (str | Unset):
        tags (Any | Unset):
        protected_aliases (Any | Unset):
        created_at (datetime.datetime | Unset):
    """

    name: str
    validation_gate: RegisteredModelValidationGate
    aliases: RegisteredModelAliases
    latest_version: int | None
    version_count: int
    updated_at: datetime.datetime
    description: str | Unset = UNSET
    tags: Any | Unset = UNSET
    protected_aliases: Any | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        validation_gate = self.validation_gate.to_dict()

        aliases = self.aliases.to_dict()

        latest_version: int | None
        latest_version = self.latest_version

        version_count = self.version_count

        updated_at = self.updated_at.isoformat()

        description = self.description

        tags = self.tags

        protected_aliases = self.protected_aliases

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "validation_gate": validation_gate,
                "aliases": aliases,
                "latest_version": latest_version,
                "version_count": version_count,
                "updated_at": updated_at,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if tags is not UNSET:
            field_dict["tags"] = tags
        if protected_aliases is not UNSET:
            field_dict["protected_aliases"] = protected_aliases
        if created_at is not UNSET:
            field_dict["created_at"] = created_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.registered_model_aliases import RegisteredModelAliases  # noqa: PLC0415
        from ..models.registered_model_validation_gate import RegisteredModelValidationGate  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        validation_gate = RegisteredModelValidationGate.from_dict(d.pop("validation_gate"))

        aliases = RegisteredModelAliases.from_dict(d.pop("aliases"))

        def _parse_latest_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        latest_version = _parse_latest_version(d.pop("latest_version"))

        version_count = d.pop("version_count")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        description = d.pop("description", UNSET)

        tags = d.pop("tags", UNSET)

        protected_aliases = d.pop("protected_aliases", UNSET)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        registered_model = cls(
            name=name,
            validation_gate=validation_gate,
            aliases=aliases,
            latest_version=latest_version,
            version_count=version_count,
            updated_at=updated_at,
            description=description,
            tags=tags,
            protected_aliases=protected_aliases,
            created_at=created_at,
        )

        registered_model.additional_properties = d
        return registered_model

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
