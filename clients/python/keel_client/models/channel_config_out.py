from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.secret_fingerprint import SecretFingerprint


T = TypeVar("T", bound="ChannelConfigOut")


@_attrs_define
class ChannelConfigOut:
    """A channel's settings as responses show them: URLs and signing secrets are write-only (a fingerprint).

    Attributes:
        to (list[str] | Unset): email: the recipients
        url (SecretFingerprint | Unset):
        secret (SecretFingerprint | Unset):
    """

    to: list[str] | Unset = UNSET
    url: SecretFingerprint | Unset = UNSET
    secret: SecretFingerprint | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        to: list[str] | Unset = UNSET
        if not isinstance(self.to, Unset):
            to = self.to

        url: dict[str, Any] | Unset = UNSET
        if not isinstance(self.url, Unset):
            url = self.url.to_dict()

        secret: dict[str, Any] | Unset = UNSET
        if not isinstance(self.secret, Unset):
            secret = self.secret.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if to is not UNSET:
            field_dict["to"] = to
        if url is not UNSET:
            field_dict["url"] = url
        if secret is not UNSET:
            field_dict["secret"] = secret

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.secret_fingerprint import SecretFingerprint  # noqa: PLC0415

        d = dict(src_dict)
        to = cast(list[str], d.pop("to", UNSET))

        _url = d.pop("url", UNSET)
        url: SecretFingerprint | Unset
        if isinstance(_url, Unset):
            url = UNSET
        else:
            url = SecretFingerprint.from_dict(_url)

        _secret = d.pop("secret", UNSET)
        secret: SecretFingerprint | Unset
        if isinstance(_secret, Unset):
            secret = UNSET
        else:
            secret = SecretFingerprint.from_dict(_secret)

        channel_config_out = cls(
            to=to,
            url=url,
            secret=secret,
        )

        channel_config_out.additional_properties = d
        return channel_config_out

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
