from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.event_types_enum import EventTypesEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="WebhookCreateRequest")


@_attrs_define
class WebhookCreateRequest:
    """
    Attributes:
        url (str): An http(s) URL on a public address.
        event_types (list[EventTypesEnum]): Event types to receive, or `*` for all: `model_version.created`,
            `model_version.approved`, `model_version.rejected`, `model_alias.moved`, `model_version.unhealthy`,
            `webhook.ping`
        secret (str | Unset): The HMAC signing secret; generated when omitted.
        description (str | Unset):  Default: ''.
        is_active (bool | Unset):  Default: True.
    """

    url: str
    event_types: list[EventTypesEnum]
    secret: str | Unset = UNSET
    description: str | Unset = ""
    is_active: bool | Unset = True
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        event_types = []
        for event_types_item_data in self.event_types:
            event_types_item = event_types_item_data.value
            event_types.append(event_types_item)

        secret = self.secret

        description = self.description

        is_active = self.is_active

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "url": url,
                "event_types": event_types,
            }
        )
        if secret is not UNSET:
            field_dict["secret"] = secret
        if description is not UNSET:
            field_dict["description"] = description
        if is_active is not UNSET:
            field_dict["is_active"] = is_active

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        url = d.pop("url")

        event_types = []
        _event_types = d.pop("event_types")
        for event_types_item_data in _event_types:
            event_types_item = EventTypesEnum(event_types_item_data)

            event_types.append(event_types_item)

        secret = d.pop("secret", UNSET)

        description = d.pop("description", UNSET)

        is_active = d.pop("is_active", UNSET)

        webhook_create_request = cls(
            url=url,
            event_types=event_types,
            secret=secret,
            description=description,
            is_active=is_active,
        )

        webhook_create_request.additional_properties = d
        return webhook_create_request

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
