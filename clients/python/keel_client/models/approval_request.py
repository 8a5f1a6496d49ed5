from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.approval_status_enum import ApprovalStatusEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.check import Check


T = TypeVar("T", bound="ApprovalRequest")


@_attrs_define
class ApprovalRequest:
    """
    Attributes:
        id (int):
        version (int):
        checks (list[Check]):
        status (ApprovalStatusEnum | Unset): * `open` - Open
            * `approved` - Approved
            * `rejected` - Rejected
            * `withdrawn` - Withdrawn
        comment (str | Unset):
        requested_by (None | str | Unset):
        created_at (datetime.datetime | Unset):
        decided_by (None | str | Unset):
        decided_at (datetime.datetime | None | Unset):
        decision_comment (str | Unset):
        override (bool | Unset):
        override_reason (str | Unset):
    """

    id: int
    version: int
    checks: list[Check]
    status: ApprovalStatusEnum | Unset = UNSET
    comment: str | Unset = UNSET
    requested_by: None | str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    decided_by: None | str | Unset = UNSET
    decided_at: datetime.datetime | None | Unset = UNSET
    decision_comment: str | Unset = UNSET
    override: bool | Unset = UNSET
    override_reason: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        version = self.version

        checks = []
        for checks_item_data in self.checks:
            checks_item = checks_item_data.to_dict()
            checks.append(checks_item)

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        comment = self.comment

        requested_by: None | str | Unset
        if isinstance(self.requested_by, Unset):
            requested_by = UNSET
        else:
            requested_by = self.requested_by

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        decided_by: None | str | Unset
        if isinstance(self.decided_by, Unset):
            decided_by = UNSET
        else:
            decided_by = self.decided_by

        decided_at: None | str | Unset
        if isinstance(self.decided_at, Unset):
            decided_at = UNSET
        elif isinstance(self.decided_at, datetime.datetime):
            decided_at = self.decided_at.isoformat()
        else:
            decided_at = self.decided_at

        decision_comment = self.decision_comment

        override = self.override

        override_reason = self.override_reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "version": version,
                "checks": checks,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status
        if comment is not UNSET:
            field_dict["comment"] = comment
        if requested_by is not UNSET:
            field_dict["requested_by"] = requested_by
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if decided_by is not UNSET:
            field_dict["decided_by"] = decided_by
        if decided_at is not UNSET:
            field_dict["decided_at"] = decided_at
        if decision_comment is not UNSET:
            field_dict["decision_comment"] = decision_comment
        if override is not UNSET:
            field_dict["override"] = override
        if override_reason is not UNSET:
            field_dict["override_reason"] = override_reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.check import Check  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        version = d.pop("version")

        checks = []
        _checks = d.pop("checks")
        for checks_item_data in _checks:
            checks_item = Check.from_dict(checks_item_data)

            checks.append(checks_item)

        _status = d.pop("status", UNSET)
        status: ApprovalStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = ApprovalStatusEnum(_status)

        comment = d.pop("comment", UNSET)

        def _parse_requested_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        requested_by = _parse_requested_by(d.pop("requested_by", UNSET))

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        def _parse_decided_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        decided_by = _parse_decided_by(d.pop("decided_by", UNSET))

        def _parse_decided_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decided_at_type_0 = datetime.datetime.fromisoformat(data)

                return decided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        decided_at = _parse_decided_at(d.pop("decided_at", UNSET))

        decision_comment = d.pop("decision_comment", UNSET)

        override = d.pop("override", UNSET)

        override_reason = d.pop("override_reason", UNSET)

        approval_request = cls(
            id=id,
            version=version,
            checks=checks,
            status=status,
            comment=comment,
            requested_by=requested_by,
            created_at=created_at,
            decided_by=decided_by,
            decided_at=decided_at,
            decision_comment=decision_comment,
            override=override,
            override_reason=override_reason,
        )

        approval_request.additional_properties = d
        return approval_request

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
