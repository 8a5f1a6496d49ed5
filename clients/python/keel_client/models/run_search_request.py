from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.lifecycle_filter_enum import LifecycleFilterEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="RunSearchRequest")


@_attrs_define
class RunSearchRequest:
    """
    Attributes:
        filter_ (str | Unset):  Default: ''.
        order_by (list[str] | Unset):
        experiments (list[str] | Unset):
        lifecycle (LifecycleFilterEnum | Unset):  Default: LifecycleFilterEnum.ACTIVE.
    """

    filter_: str | Unset = ""
    order_by: list[str] | Unset = UNSET
    experiments: list[str] | Unset = UNSET
    lifecycle: LifecycleFilterEnum | Unset = LifecycleFilterEnum.ACTIVE
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        filter_ = self.filter_

        order_by: list[str] | Unset = UNSET
        if not isinstance(self.order_by, Unset):
            order_by = self.order_by

        experiments: list[str] | Unset = UNSET
        if not isinstance(self.experiments, Unset):
            experiments = self.experiments

        lifecycle: str | Unset = UNSET
        if not isinstance(self.lifecycle, Unset):
            lifecycle = self.lifecycle.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if filter_ is not UNSET:
            field_dict["filter"] = filter_
        if order_by is not UNSET:
            field_dict["order_by"] = order_by
        if experiments is not UNSET:
            field_dict["experiments"] = experiments
        if lifecycle is not UNSET:
            field_dict["lifecycle"] = lifecycle

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        filter_ = d.pop("filter", UNSET)

        order_by = cast(list[str], d.pop("order_by", UNSET))

        experiments = cast(list[str], d.pop("experiments", UNSET))

        _lifecycle = d.pop("lifecycle", UNSET)
        lifecycle: LifecycleFilterEnum | Unset
        if isinstance(_lifecycle, Unset):
            lifecycle = UNSET
        else:
            lifecycle = LifecycleFilterEnum(_lifecycle)

        run_search_request = cls(
            filter_=filter_,
            order_by=order_by,
            experiments=experiments,
            lifecycle=lifecycle,
        )

        run_search_request.additional_properties = d
        return run_search_request

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
