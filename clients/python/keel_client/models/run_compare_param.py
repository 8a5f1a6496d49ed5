from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.run_compare_param_values import RunCompareParamValues


T = TypeVar("T", bound="RunCompareParam")


@_attrs_define
class RunCompareParam:
    """
    Attributes:
        key (str):
        values (RunCompareParamValues): run_id -> value or null.
        differs (bool):
    """

    key: str
    values: RunCompareParamValues
    differs: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        values = self.values.to_dict()

        differs = self.differs

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key": key,
                "values": values,
                "differs": differs,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_compare_param_values import RunCompareParamValues  # noqa: PLC0415

        d = dict(src_dict)
        key = d.pop("key")

        values = RunCompareParamValues.from_dict(d.pop("values"))

        differs = d.pop("differs")

        run_compare_param = cls(
            key=key,
            values=values,
            differs=differs,
        )

        run_compare_param.additional_properties = d
        return run_compare_param

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
