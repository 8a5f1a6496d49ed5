from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.run_metric_item_request_value_type_1 import RunMetricItemRequestValueType1
from ..types import UNSET, Unset

T = TypeVar("T", bound="RunMetricItemRequest")


@_attrs_define
class RunMetricItemRequest:
    """
    Attributes:
        key (str):
        value (float | RunMetricItemRequestValueType1): A number; NaN and +/-infinity as the strings 'NaN', 'Infinity',
            '-Infinity'.
        step (int | Unset):  Default: 0.
        timestamp (datetime.datetime | int | None | Unset): An ISO 8601 datetime or epoch milliseconds; defaults to the
            time of the call.
    """

    key: str
    value: float | RunMetricItemRequestValueType1
    step: int | Unset = 0
    timestamp: datetime.datetime | int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        value: float | str
        if isinstance(self.value, RunMetricItemRequestValueType1):
            value = self.value.value
        else:
            value = self.value

        step = self.step

        timestamp: int | None | str | Unset
        if isinstance(self.timestamp, Unset):
            timestamp = UNSET
        elif isinstance(self.timestamp, datetime.datetime):
            timestamp = self.timestamp.isoformat()
        else:
            timestamp = self.timestamp

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key": key,
                "value": value,
            }
        )
        if step is not UNSET:
            field_dict["step"] = step
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key = d.pop("key")

        def _parse_value(data: object) -> float | RunMetricItemRequestValueType1:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                value_type_1 = RunMetricItemRequestValueType1(data)

                return value_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(float | RunMetricItemRequestValueType1, data)

        value = _parse_value(d.pop("value"))

        step = d.pop("step", UNSET)

        def _parse_timestamp(data: object) -> datetime.datetime | int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                timestamp_type_0 = datetime.datetime.fromisoformat(data)

                return timestamp_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | int | None | Unset, data)

        timestamp = _parse_timestamp(d.pop("timestamp", UNSET))

        run_metric_item_request = cls(
            key=key,
            value=value,
            step=step,
            timestamp=timestamp,
        )

        run_metric_item_request.additional_properties = d
        return run_metric_item_request

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
