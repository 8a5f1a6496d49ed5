from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.column_kind_enum import ColumnKindEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.frequency import Frequency
    from ..models.numeric_summary import NumericSummary
    from ..models.profile_column_quantiles import ProfileColumnQuantiles


T = TypeVar("T", bound="ProfileColumn")


@_attrs_define
class ProfileColumn:
    """
    Attributes:
        name (str):
        kind (ColumnKindEnum): * `numeric` - Numeric
            * `integer` - Integer
            * `categorical` - Categorical
            * `boolean` - Boolean
            * `datetime` - Datetime
            * `text` - Text
        count (int):
        nulls (int):
        distinct (int):
        min_ (Any | Unset):
        max_ (Any | Unset):
        mean (float | None | Unset):
        std (float | None | Unset):
        quantiles (ProfileColumnQuantiles | Unset):
        histogram (None | NumericSummary | Unset):
        frequencies (list[Frequency] | Unset):
        other_count (int | Unset):
        sample (list[float] | Unset): Seeded sample of values (only with include_sample=true).
    """

    name: str
    kind: ColumnKindEnum
    count: int
    nulls: int
    distinct: int
    min_: Any | Unset = UNSET
    max_: Any | Unset = UNSET
    mean: float | None | Unset = UNSET
    std: float | None | Unset = UNSET
    quantiles: ProfileColumnQuantiles | Unset = UNSET
    histogram: None | NumericSummary | Unset = UNSET
    frequencies: list[Frequency] | Unset = UNSET
    other_count: int | Unset = UNSET
    sample: list[float] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.numeric_summary import NumericSummary  # noqa: PLC0415

        name = self.name

        kind = self.kind.value

        count = self.count

        nulls = self.nulls

        distinct = self.distinct

        min_ = self.min_

        max_ = self.max_

        mean: float | None | Unset
        if isinstance(self.mean, Unset):
            mean = UNSET
        else:
            mean = self.mean

        std: float | None | Unset
        if isinstance(self.std, Unset):
            std = UNSET
        else:
            std = self.std

        quantiles: dict[str, Any] | Unset = UNSET
        if not isinstance(self.quantiles, Unset):
            quantiles = self.quantiles.to_dict()

        histogram: dict[str, Any] | None | Unset
        if isinstance(self.histogram, Unset):
            histogram = UNSET
        elif isinstance(self.histogram, NumericSummary):
            histogram = self.histogram.to_dict()
        else:
            histogram = self.histogram

        frequencies: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.frequencies, Unset):
            frequencies = []
            for frequencies_item_data in self.frequencies:
                frequencies_item = frequencies_item_data.to_dict()
                frequencies.append(frequencies_item)

        other_count = self.other_count

        sample: list[float] | Unset = UNSET
        if not isinstance(self.sample, Unset):
            sample = self.sample

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "kind": kind,
                "count": count,
                "nulls": nulls,
                "distinct": distinct,
            }
        )
        if min_ is not UNSET:
            field_dict["min"] = min_
        if max_ is not UNSET:
            field_dict["max"] = max_
        if mean is not UNSET:
            field_dict["mean"] = mean
        if std is not UNSET:
            field_dict["std"] = std
        if quantiles is not UNSET:
            field_dict["quantiles"] = quantiles
        if histogram is not UNSET:
            field_dict["histogram"] = histogram
        if frequencies is not UNSET:
            field_dict["frequencies"] = frequencies
        if other_count is not UNSET:
            field_dict["other_count"] = other_count
        if sample is not UNSET:
            field_dict["sample"] = sample

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.frequency import Frequency  # noqa: PLC0415
        from ..models.numeric_summary import NumericSummary  # noqa: PLC0415
        from ..models.profile_column_quantiles import ProfileColumnQuantiles  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        kind = ColumnKindEnum(d.pop("kind"))

        count = d.pop("count")

        nulls = d.pop("nulls")

        distinct = d.pop("distinct")

        min_ = d.pop("min", UNSET)

        max_ = d.pop("max", UNSET)

        def _parse_mean(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        mean = _parse_mean(d.pop("mean", UNSET))

        def _parse_std(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        std = _parse_std(d.pop("std", UNSET))

        _quantiles = d.pop("quantiles", UNSET)
        quantiles: ProfileColumnQuantiles | Unset
        if isinstance(_quantiles, Unset):
            quantiles = UNSET
        else:
            quantiles = ProfileColumnQuantiles.from_dict(_quantiles)

        def _parse_histogram(data: object) -> None | NumericSummary | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                histogram_type_1 = NumericSummary.from_dict(data)

                return histogram_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | NumericSummary | Unset, data)

        histogram = _parse_histogram(d.pop("histogram", UNSET))

        _frequencies = d.pop("frequencies", UNSET)
        frequencies: list[Frequency] | Unset = UNSET
        if _frequencies is not UNSET:
            frequencies = []
            for frequencies_item_data in _frequencies:
                frequencies_item = Frequency.from_dict(frequencies_item_data)

                frequencies.append(frequencies_item)

        other_count = d.pop("other_count", UNSET)

        sample = cast(list[float], d.pop("sample", UNSET))

        profile_column = cls(
            name=name,
            kind=kind,
            count=count,
            nulls=nulls,
            distinct=distinct,
            min_=min_,
            max_=max_,
            mean=mean,
            std=std,
            quantiles=quantiles,
            histogram=histogram,
            frequencies=frequencies,
            other_count=other_count,
            sample=sample,
        )

        profile_column.additional_properties = d
        return profile_column

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
