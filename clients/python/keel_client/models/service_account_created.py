from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.api_token_issued import ApiTokenIssued
    from ..models.service_account import ServiceAccount


T = TypeVar("T", bound="ServiceAccountCreated")


@_attrs_define
class ServiceAccountCreated:
    """
    Attributes:
        account (ServiceAccount):
        token (ApiTokenIssued):
    """

    account: ServiceAccount
    token: ApiTokenIssued
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account = self.account.to_dict()

        token = self.token.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account": account,
                "token": token,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.api_token_issued import ApiTokenIssued  # noqa: PLC0415
        from ..models.service_account import ServiceAccount  # noqa: PLC0415

        d = dict(src_dict)
        account = ServiceAccount.from_dict(d.pop("account"))

        token = ApiTokenIssued.from_dict(d.pop("token"))

        service_account_created = cls(
            account=account,
            token=token,
        )

        service_account_created.additional_properties = d
        return service_account_created

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
