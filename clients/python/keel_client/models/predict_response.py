from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.model_summary import ModelSummary
    from ..models.predict_response_explanations_item import PredictResponseExplanationsItem


T = TypeVar("T", bound="PredictResponse")


@_attrs_define
class PredictResponse:
    """
    Attributes:
        request_id (str):
        deployment (str):
        revision (int):
        variant (str):
        model (ModelSummary):
        prediction_ids (list[UUID]):
        predictions (list[Any]):
        flags (list[list[str]]):
        latency_ms (float):
        classes (list[Any] | Unset):
        probabilities (list[list[float]] | Unset):
        explanations (list[PredictResponseExplanationsItem] | Unset):
        missing (list[list[str]] | Unset): Per row, the features predicted with a missing (null) value; present when any
            row had one.
    """

    request_id: str
    deployment: str
    revision: int
    variant: str
    model: ModelSummary
    prediction_ids: list[UUID]
    predictions: list[Any]
    flags: list[list[str]]
    latency_ms: float
    classes: list[Any] | Unset = UNSET
    probabilities: list[list[float]] | Unset = UNSET
    explanations: list[PredictResponseExplanationsItem] | Unset = UNSET
    missing: list[list[str]] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        request_id = self.request_id

        deployment = self.deployment

        revision = self.revision

        variant = self.variant

        model = self.model.to_dict()

        prediction_ids = []
        for prediction_ids_item_data in self.prediction_ids:
            prediction_ids_item = str(prediction_ids_item_data)
            prediction_ids.append(prediction_ids_item)

        predictions = self.predictions

        flags = []
        for flags_item_data in self.flags:
            flags_item = flags_item_data

            flags.append(flags_item)

        latency_ms = self.latency_ms

        classes: list[Any] | Unset = UNSET
        if not isinstance(self.classes, Unset):
            classes = self.classes

        probabilities: list[list[float]] | Unset = UNSET
        if not isinstance(self.probabilities, Unset):
            probabilities = []
            for probabilities_item_data in self.probabilities:
                probabilities_item = probabilities_item_data

                probabilities.append(probabilities_item)

        explanations: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.explanations, Unset):
            explanations = []
            for explanations_item_data in self.explanations:
                explanations_item = explanations_item_data.to_dict()
                explanations.append(explanations_item)

        missing: list[list[str]] | Unset = UNSET
        if not isinstance(self.missing, Unset):
            missing = []
            for missing_item_data in self.missing:
                missing_item = missing_item_data

                missing.append(missing_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "request_id": request_id,
                "deployment": deployment,
                "revision": revision,
                "variant": variant,
                "model": model,
                "prediction_ids": prediction_ids,
                "predictions": predictions,
                "flags": flags,
                "latency_ms": latency_ms,
            }
        )
        if classes is not UNSET:
            field_dict["classes"] = classes
        if probabilities is not UNSET:
            field_dict["probabilities"] = probabilities
        if explanations is not UNSET:
            field_dict["explanations"] = explanations
        if missing is not UNSET:
            field_dict["missing"] = missing

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_summary import ModelSummary  # noqa: PLC0415
        from ..models.predict_response_explanations_item import PredictResponseExplanationsItem  # noqa: PLC0415

        d = dict(src_dict)
        request_id = d.pop("request_id")

        deployment = d.pop("deployment")

        revision = d.pop("revision")

        variant = d.pop("variant")

        model = ModelSummary.from_dict(d.pop("model"))

        prediction_ids = []
        _prediction_ids = d.pop("prediction_ids")
        for prediction_ids_item_data in _prediction_ids:
            prediction_ids_item = UUID(prediction_ids_item_data)

            prediction_ids.append(prediction_ids_item)

        predictions = cast(list[Any], d.pop("predictions"))

        flags = []
        _flags = d.pop("flags")
        for flags_item_data in _flags:
            flags_item = cast(list[str], flags_item_data)

            flags.append(flags_item)

        latency_ms = d.pop("latency_ms")

        classes = cast(list[Any], d.pop("classes", UNSET))

        _probabilities = d.pop("probabilities", UNSET)
        probabilities: list[list[float]] | Unset = UNSET
        if _probabilities is not UNSET:
            probabilities = []
            for probabilities_item_data in _probabilities:
                probabilities_item = cast(list[float], probabilities_item_data)

                probabilities.append(probabilities_item)

        _explanations = d.pop("explanations", UNSET)
        explanations: list[PredictResponseExplanationsItem] | Unset = UNSET
        if _explanations is not UNSET:
            explanations = []
            for explanations_item_data in _explanations:
                explanations_item = PredictResponseExplanationsItem.from_dict(explanations_item_data)

                explanations.append(explanations_item)

        _missing = d.pop("missing", UNSET)
        missing: list[list[str]] | Unset = UNSET
        if _missing is not UNSET:
            missing = []
            for missing_item_data in _missing:
                missing_item = cast(list[str], missing_item_data)

                missing.append(missing_item)

        predict_response = cls(
            request_id=request_id,
            deployment=deployment,
            revision=revision,
            variant=variant,
            model=model,
            prediction_ids=prediction_ids,
            predictions=predictions,
            flags=flags,
            latency_ms=latency_ms,
            classes=classes,
            probabilities=probabilities,
            explanations=explanations,
            missing=missing,
        )

        predict_response.additional_properties = d
        return predict_response

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
