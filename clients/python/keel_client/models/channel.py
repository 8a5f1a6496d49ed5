from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.channel_kind_enum import ChannelKindEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.channel_config_out import ChannelConfigOut


T = TypeVar("T", bound="Channel")


@_attrs_define
class Channel:
    """URLs and signing secrets are write-only for every role (a Slack URL is a credential): a fingerprint.

    Attributes:
        id (int):
        name (str):
        kind (ChannelKindEnum): * `webhook` - Webhook
            * `email` - Email
            * `slack` - Slack
        config (ChannelConfigOut): A channel's settings as responses show them: URLs and signing secrets are write-only
            (a fingerprint).
        enabled (bool | Unset):
        created_at (datetime.datetime | Unset):
    """

    id: int
    name: str
    kind: ChannelKindEnum
    config: ChannelConfigOut
    enabled: bool | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        kind = self.kind.value

        config = self.config.to_dict()

        enabled = self.enabled

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "kind": kind,
                "config": config,
            }
        )
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if created_at is not UNSET:
            field_dict["created_at"] = created_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.channel_config_out import ChannelConfigOut  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        kind = ChannelKindEnum(d.pop("kind"))

        config = ChannelConfigOut.from_dict(d.pop("config"))

        enabled = d.pop("enabled", UNSET)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        channel = cls(
            id=id,
            name=name,
            kind=kind,
            config=config,
            enabled=enabled,
            created_at=created_at,
        )

        channel.additional_properties = d
        return channel

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
