from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.channel_kind_enum import ChannelKindEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="ConfigChannelRequest")


@_attrs_define
class ConfigChannelRequest:
    """
    Attributes:
        name (str):
        kind (ChannelKindEnum): * `webhook` - Webhook
            * `email` - Email
            * `slack` - Slack
        config (Any): webhook: {url, secret?}; slack: {url}; email: {to: [...]}. '<redacted>' keeps a secret.
        enabled (bool | Unset):  Default: True.
    """

    name: str
    kind: ChannelKindEnum
    config: Any
    enabled: bool | Unset = True
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        kind = self.kind.value

        config = self.config

        enabled = self.enabled

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "kind": kind,
                "config": config,
            }
        )
        if enabled is not UNSET:
            field_dict["enabled"] = enabled

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        kind = ChannelKindEnum(d.pop("kind"))

        config = d.pop("config")

        enabled = d.pop("enabled", UNSET)

        config_channel_request = cls(
            name=name,
            kind=kind,
            config=config,
            enabled=enabled,
        )

        config_channel_request.additional_properties = d
        return config_channel_request

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
