from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.action_enum import ActionEnum
from ..models.change_kind_enum import ChangeKindEnum

if TYPE_CHECKING:
    from ..models.change_changes import ChangeChanges


T = TypeVar("T", bound="Change")


@_attrs_define
class Change:
    """
    Attributes:
        action (ActionEnum): * `create` - create
            * `update` - update
            * `delete` - delete
        kind (ChangeKindEnum): * `project` - project
            * `member` - member
            * `dataset` - dataset
            * `dataset_rule` - dataset_rule
            * `channel` - channel
            * `deployment` - deployment
            * `drift` - drift
            * `alert_rule` - alert_rule
            * `retraining_policy` - retraining_policy
        name (str):
        changes (ChangeChanges): field -> {from, to}
    """

    action: ActionEnum
    kind: ChangeKindEnum
    name: str
    changes: ChangeChanges
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action.value

        kind = self.kind.value

        name = self.name

        changes = self.changes.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "kind": kind,
                "name": name,
                "changes": changes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.change_changes import ChangeChanges  # noqa: PLC0415

        d = dict(src_dict)
        action = ActionEnum(d.pop("action"))

        kind = ChangeKindEnum(d.pop("kind"))

        name = d.pop("name")

        changes = ChangeChanges.from_dict(d.pop("changes"))

        change = cls(
            action=action,
            kind=kind,
            name=name,
            changes=changes,
        )

        change.additional_properties = d
        return change

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
