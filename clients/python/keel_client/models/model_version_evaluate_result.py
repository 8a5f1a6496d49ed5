from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.evaluation import Evaluation


T = TypeVar("T", bound="ModelVersionEvaluateResult")


@_attrs_define
class ModelVersionEvaluateResult:
    """
    Attributes:
        evaluation_keys (list[str]):
        evaluations (list[Evaluation]):
    """

    evaluation_keys: list[str]
    evaluations: list[Evaluation]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        evaluation_keys = self.evaluation_keys

        evaluations = []
        for evaluations_item_data in self.evaluations:
            evaluations_item = evaluations_item_data.to_dict()
            evaluations.append(evaluations_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "evaluation_keys": evaluation_keys,
                "evaluations": evaluations,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.evaluation import Evaluation  # noqa: PLC0415

        d = dict(src_dict)
        evaluation_keys = cast(list[str], d.pop("evaluation_keys"))

        evaluations = []
        _evaluations = d.pop("evaluations")
        for evaluations_item_data in _evaluations:
            evaluations_item = Evaluation.from_dict(evaluations_item_data)

            evaluations.append(evaluations_item)

        model_version_evaluate_result = cls(
            evaluation_keys=evaluation_keys,
            evaluations=evaluations,
        )

        model_version_evaluate_result.additional_properties = d
        return model_version_evaluate_result

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
