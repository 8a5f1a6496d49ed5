from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Parity")


@_attrs_define
class Parity:
    """ONNX Runtime against scikit-learn on generated rows, measured at registration.

    Attributes:
        rows (int):
        label_mismatches (int | Unset): Classifiers: rows whose labels differ.
        max_proba_diff (float | None | Unset): Classifiers: the largest class probability difference.
        max_abs_diff (float | None | Unset): Regressors.
        max_rel_diff (float | None | Unset): Regressors: difference over max(1, |value|).
        seconds (float | Unset): Time taken to convert and compare.
    """

    rows: int
    label_mismatches: int | Unset = UNSET
    max_proba_diff: float | None | Unset = UNSET
    max_abs_diff: float | None | Unset = UNSET
    max_rel_diff: float | None | Unset = UNSET
    seconds: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        rows = self.rows

        label_mismatches = self.label_mismatches

        max_proba_diff: float | None | Unset
        if isinstance(self.max_proba_diff, Unset):
            max_proba_diff = UNSET
        else:
            max_proba_diff = self.max_proba_diff

        max_abs_diff: float | None | Unset
        if isinstance(self.max_abs_diff, Unset):
            max_abs_diff = UNSET
        else:
            max_abs_diff = self.max_abs_diff

        max_rel_diff: float | None | Unset
        if isinstance(self.max_rel_diff, Unset):
            max_rel_diff = UNSET
        else:
            max_rel_diff = self.max_rel_diff

        seconds = self.seconds

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "rows": rows,
            }
        )
        if label_mismatches is not UNSET:
            field_dict["label_mismatches"] = label_mismatches
        if max_proba_diff is not UNSET:
            field_dict["max_proba_diff"] = max_proba_diff
        if max_abs_diff is not UNSET:
            field_dict["max_abs_diff"] = max_abs_diff
        if max_rel_diff is not UNSET:
            field_dict["max_rel_diff"] = max_rel_diff
        if seconds is not UNSET:
            field_dict["seconds"] = seconds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        rows = d.pop("rows")

        label_mismatches = d.pop("label_mismatches", UNSET)

        def _parse_max_proba_diff(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        max_proba_diff = _parse_max_proba_diff(d.pop("max_proba_diff", UNSET))

        def _parse_max_abs_diff(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        max_abs_diff = _parse_max_abs_diff(d.pop("max_abs_diff", UNSET))

        def _parse_max_rel_diff(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        max_rel_diff = _parse_max_rel_diff(d.pop("max_rel_diff", UNSET))

        seconds = d.pop("seconds", UNSET)

        parity = cls(
            rows=rows,
            label_mismatches=label_mismatches,
            max_proba_diff=max_proba_diff,
            max_abs_diff=max_abs_diff,
            max_rel_diff=max_rel_diff,
            seconds=seconds,
        )

        parity.additional_properties = d
        return parity

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
