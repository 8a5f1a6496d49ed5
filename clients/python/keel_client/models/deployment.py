from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.policy import Policy
    from ..models.revision import Revision


T = TypeVar("T", bound="Deployment")


@_attrs_define
class Deployment:
    """
    Attributes:
        name (str):
        policy (Policy):
        revision (None | Revision):
        updated_at (datetime.datetime):
        description (str | Unset):
        rollout (Any | Unset):
        created_at (datetime.datetime | Unset):
    """

    name: str
    policy: Policy
    revision: None | Revision
    updated_at: datetime.datetime
    description: str | Unset = UNSET
    rollout: Any | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.revision import Revision  # noqa: PLC0415

        name = self.name

        policy = self.policy.to_dict()

        revision: dict[str, Any] | None
        if isinstance(self.revision, Revision):
            revision = self.revision.to_dict()
        else:
            revision = self.revision

        updated_at = self.updated_at.isoformat()

        description = self.description

        rollout = self.rollout

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "policy": policy,
                "revision": revision,
                "updated_at": updated_at,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if rollout is not UNSET:
            field_dict["rollout"] = rollout
        if created_at is not UNSET:
            field_dict["created_at"] = created_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.policy import Policy  # noqa: PLC0415
        from ..models.revision import Revision  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        policy = Policy.from_dict(d.pop("policy"))

        def _parse_revision(data: object) -> None | Revision:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                revision_type_1 = Revision.from_dict(data)

                return revision_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Revision, data)

        revision = _parse_revision(d.pop("revision"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        description = d.pop("description", UNSET)

        rollout = d.pop("rollout", UNSET)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        deployment = cls(
            name=name,
            policy=policy,
            revision=revision,
            updated_at=updated_at,
            description=description,
            rollout=rollout,
            created_at=created_at,
        )

        deployment.additional_properties = d
        return deployment

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
