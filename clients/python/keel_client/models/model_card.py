from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.check import Check
    from ..models.model_card_approval_type_0 import ModelCardApprovalType0
    from ..models.model_card_evaluations_item import ModelCardEvaluationsItem
    from ..models.model_card_feature_importance_item import ModelCardFeatureImportanceItem
    from ..models.model_card_inputs_item import ModelCardInputsItem
    from ..models.model_card_lineage import ModelCardLineage
    from ..models.model_card_metrics import ModelCardMetrics
    from ..models.model_card_output import ModelCardOutput
    from ..models.model_card_sections import ModelCardSections
    from ..models.model_card_status import ModelCardStatus


T = TypeVar("T", bound="ModelCard")


@_attrs_define
class ModelCard:
    """
    Attributes:
        model (str):
        version (int):
        description (str):
        task_type (str):
        status (ModelCardStatus):
        aliases (list[str]):
        created_at (str):
        created_by (None | str):
        lineage (ModelCardLineage):
        inputs (list[ModelCardInputsItem]):
        output (ModelCardOutput):
        metrics (ModelCardMetrics):
        feature_importance (list[ModelCardFeatureImportanceItem]):
        evaluations (list[ModelCardEvaluationsItem]): The version's metrics on each evaluation set, newest first.
        acceptance (Check):
        checks (list[Check]):
        approval (ModelCardApprovalType0 | None):
        sections (ModelCardSections):
        generated_sections (list[str]): Sections filled by Keel because no one has written them yet.
        complete (bool):
        missing_sections (list[str]):
    """

    model: str
    version: int
    description: str
    task_type: str
    status: ModelCardStatus
    aliases: list[str]
    created_at: str
    created_by: None | str
    lineage: ModelCardLineage
    inputs: list[ModelCardInputsItem]
    output: ModelCardOutput
    metrics: ModelCardMetrics
    feature_importance: list[ModelCardFeatureImportanceItem]
    evaluations: list[ModelCardEvaluationsItem]
    acceptance: Check
    checks: list[Check]
    approval: ModelCardApprovalType0 | None
    sections: ModelCardSections
    generated_sections: list[str]
    complete: bool
    missing_sections: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.model_card_approval_type_0 import ModelCardApprovalType0  # noqa: PLC0415

        model = self.model

        version = self.version

        description = self.description

        task_type = self.task_type

        status = self.status.to_dict()

        aliases = self.aliases

        created_at = self.created_at

        created_by: None | str
        created_by = self.created_by

        lineage = self.lineage.to_dict()

        inputs = []
        for inputs_item_data in self.inputs:
            inputs_item = inputs_item_data.to_dict()
            inputs.append(inputs_item)

        output = self.output.to_dict()

        metrics = self.metrics.to_dict()

        feature_importance = []
        for feature_importance_item_data in self.feature_importance:
            feature_importance_item = feature_importance_item_data.to_dict()
            feature_importance.append(feature_importance_item)

        evaluations = []
        for evaluations_item_data in self.evaluations:
            evaluations_item = evaluations_item_data.to_dict()
            evaluations.append(evaluations_item)

        acceptance = self.acceptance.to_dict()

        checks = []
        for checks_item_data in self.checks:
            checks_item = checks_item_data.to_dict()
            checks.append(checks_item)

        approval: dict[str, Any] | None
        if isinstance(self.approval, ModelCardApprovalType0):
            approval = self.approval.to_dict()
        else:
            approval = self.approval

        sections = self.sections.to_dict()

        generated_sections = self.generated_sections

        complete = self.complete

        missing_sections = self.missing_sections

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "model": model,
                "version": version,
                "description": description,
                "task_type": task_type,
                "status": status,
                "aliases": aliases,
                "created_at": created_at,
                "created_by": created_by,
                "lineage": lineage,
                "inputs": inputs,
                "output": output,
                "metrics": metrics,
                "feature_importance": feature_importance,
                "evaluations": evaluations,
                "acceptance": acceptance,
                "checks": checks,
                "approval": approval,
                "sections": sections,
                "generated_sections": generated_sections,
                "complete": complete,
                "missing_sections": missing_sections,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.check import Check  # noqa: PLC0415
        from ..models.model_card_approval_type_0 import ModelCardApprovalType0  # noqa: PLC0415
        from ..models.model_card_evaluations_item import ModelCardEvaluationsItem  # noqa: PLC0415
        from ..models.model_card_feature_importance_item import ModelCardFeatureImportanceItem  # noqa: PLC0415
        from ..models.model_card_inputs_item import ModelCardInputsItem  # noqa: PLC0415
        from ..models.model_card_lineage import ModelCardLineage  # noqa: PLC0415
        from ..models.model_card_metrics import ModelCardMetrics  # noqa: PLC0415
        from ..models.model_card_output import ModelCardOutput  # noqa: PLC0415
        from ..models.model_card_sections import ModelCardSections  # noqa: PLC0415
        from ..models.model_card_status import ModelCardStatus  # noqa: PLC0415

        d = dict(src_dict)
        model = d.pop("model")

        version = d.pop("version")

        description = d.pop("description")

        task_type = d.pop("task_type")

        status = ModelCardStatus.from_dict(d.pop("status"))

        aliases = cast(list[str], d.pop("aliases"))

        created_at = d.pop("created_at")

        def _parse_created_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        created_by = _parse_created_by(d.pop("created_by"))

        lineage = ModelCardLineage.from_dict(d.pop("lineage"))

        inputs = []
        _inputs = d.pop("inputs")
        for inputs_item_data in _inputs:
            inputs_item = ModelCardInputsItem.from_dict(inputs_item_data)

            inputs.append(inputs_item)

        output = ModelCardOutput.from_dict(d.pop("output"))

        metrics = ModelCardMetrics.from_dict(d.pop("metrics"))

        feature_importance = []
        _feature_importance = d.pop("feature_importance")
        for feature_importance_item_data in _feature_importance:
            feature_importance_item = ModelCardFeatureImportanceItem.from_dict(feature_importance_item_data)

            feature_importance.append(feature_importance_item)

        evaluations = []
        _evaluations = d.pop("evaluations")
        for evaluations_item_data in _evaluations:
            evaluations_item = ModelCardEvaluationsItem.from_dict(evaluations_item_data)

            evaluations.append(evaluations_item)

        acceptance = Check.from_dict(d.pop("acceptance"))

        checks = []
        _checks = d.pop("checks")
        for checks_item_data in _checks:
            checks_item = Check.from_dict(checks_item_data)

            checks.append(checks_item)

        def _parse_approval(data: object) -> ModelCardApprovalType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                approval_type_0 = ModelCardApprovalType0.from_dict(data)

                return approval_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ModelCardApprovalType0 | None, data)

        approval = _parse_approval(d.pop("approval"))

        sections = ModelCardSections.from_dict(d.pop("sections"))

        generated_sections = cast(list[str], d.pop("generated_sections"))

        complete = d.pop("complete")

        missing_sections = cast(list[str], d.pop("missing_sections"))

        model_card = cls(
            model=model,
            version=version,
            description=description,
            task_type=task_type,
            status=status,
            aliases=aliases,
            created_at=created_at,
            created_by=created_by,
            lineage=lineage,
            inputs=inputs,
            output=output,
            metrics=metrics,
            feature_importance=feature_importance,
            evaluations=evaluations,
            acceptance=acceptance,
            checks=checks,
            approval=approval,
            sections=sections,
            generated_sections=generated_sections,
            complete=complete,
            missing_sections=missing_sections,
        )

        model_card.additional_properties = d
        return model_card

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
