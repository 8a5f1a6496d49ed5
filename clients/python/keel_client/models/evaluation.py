from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.evaluation_metrics import EvaluationMetrics


T = TypeVar("T", bound="Evaluation")


@_attrs_define
class Evaluation:
    """
    Attributes:
        version (int):
        evaluation_key (str):
        metrics (EvaluationMetrics):
        n_rows (int):
    """

    version: int
    evaluation_key: str
    metrics: EvaluationMetrics
    n_rows: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        version = self.version

        evaluation_key = self.evaluation_key

        metrics = self.metrics.to_dict()

        n_rows = self.n_rows

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "version": version,
                "evaluation_key": evaluation_key,
                "metrics": metrics,
                "n_rows": n_rows,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.evaluation_metrics import EvaluationMetrics  # noqa: PLC0415

        d = dict(src_dict)
        version = d.pop("version")

        evaluation_key = d.pop("evaluation_key")

        metrics = EvaluationMetrics.from_dict(d.pop("metrics"))

        n_rows = d.pop("n_rows")

        evaluation = cls(
            version=version,
            evaluation_key=evaluation_key,
            metrics=metrics,
            n_rows=n_rows,
        )

        evaluation.additional_properties = d
        return evaluation

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
