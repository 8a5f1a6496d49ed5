from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AuditEvent")


@_attrs_define
class AuditEvent:
    """
    Attributes:
        uid (UUID):
        action (str):
        created_at (datetime.datetime | Unset):
        actor_label (str | Unset):
        object_type (str | Unset):
        object_id (str | Unset):
        object_repr (str | Unset):
        data (Any | Unset):
        method (str | Unset):
        path (str | Unset):
        status_code (int | None | Unset):
        ip (None | str | Unset):
        user_agent (str | Unset):
        request_id (str | Unset):
    """

    uid: UUID
    action: str
    created_at: datetime.datetime | Unset = UNSET
    actor_label: str | Unset = UNSET
    object_type: str | Unset = UNSET
    object_id: str | Unset = UNSET
    object_repr: str | Unset = UNSET
    data: Any | Unset = UNSET
    method: str | Unset = UNSET
    path: str | Unset = UNSET
    status_code: int | None | Unset = UNSET
    ip: None | str | Unset = UNSET
    user_agent: str | Unset = UNSET
    request_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        uid = str(self.uid)

        action = self.action

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        actor_label = self.actor_label

        object_type = self.object_type

        object_id = self.object_id

        object_repr = self.object_repr

        data = self.data

        method = self.method

        path = self.path

        status_code: int | None | Unset
        if isinstance(self.status_code, Unset):
            status_code = UNSET
        else:
            status_code = self.status_code

        ip: None | str | Unset
        if isinstance(self.ip, Unset):
            ip = UNSET
        else:
            ip = self.ip

        user_agent = self.user_agent

        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "uid": uid,
                "action": action,
            }
        )
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if actor_label is not UNSET:
            field_dict["actor_label"] = actor_label
        if object_type is not UNSET:
            field_dict["object_type"] = object_type
        if object_id is not UNSET:
            field_dict["object_id"] = object_id
        if object_repr is not UNSET:
            field_dict["object_repr"] = object_repr
        if data is not UNSET:
            field_dict["data"] = data
        if method is not UNSET:
            field_dict["method"] = method
        if path is not UNSET:
            field_dict["path"] = path
        if status_code is not UNSET:
            field_dict["status_code"] = status_code
        if ip is not UNSET:
            field_dict["ip"] = ip
        if user_agent is not UNSET:
            field_dict["user_agent"] = user_agent
        if request_id is not UNSET:
            field_dict["request_id"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        uid = UUID(d.pop("uid"))

        action = d.pop("action")

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        actor_label = d.pop("actor_label", UNSET)

        object_type = d.pop("object_type", UNSET)

        object_id = d.pop("object_id", UNSET)

        object_repr = d.pop("object_repr", UNSET)

        data = d.pop("data", UNSET)

        method = d.pop("method", UNSET)

        path = d.pop("path", UNSET)

        def _parse_status_code(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        status_code = _parse_status_code(d.pop("status_code", UNSET))

        def _parse_ip(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ip = _parse_ip(d.pop("ip", UNSET))

        user_agent = d.pop("user_agent", UNSET)

        request_id = d.pop("request_id", UNSET)

        audit_event = cls(
            uid=uid,
            action=action,
            created_at=created_at,
            actor_label=actor_label,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr,
            data=data,
            method=method,
            path=path,
            status_code=status_code,
            ip=ip,
            user_agent=user_agent,
            request_id=request_id,
        )

        audit_event.additional_properties = d
        return audit_event

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
