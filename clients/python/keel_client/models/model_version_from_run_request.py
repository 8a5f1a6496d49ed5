from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ModelVersionFromRunRequest")


@_attrs_define
class ModelVersionFromRunRequest:
    """
    Attributes:
        run_id (str):
        artifact_path (str | Unset):  Default: 'model/model.skops'.
        description (str | Unset):  Default: ''.
    """

    run_id: str
    artifact_path: str | Unset = "model/model.skops"
    description: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        run_id = self.run_id

        artifact_path = self.artifact_path

        description = self.description

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "run_id": run_id,
            }
        )
        if artifact_path is not UNSET:
            field_dict["artifact_path"] = artifact_path
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        run_id = d.pop("run_id")

        artifact_path = d.pop("artifact_path", UNSET)

        description = d.pop("description", UNSET)

        model_version_from_run_request = cls(
            run_id=run_id,
            artifact_path=artifact_path,
            description=description,
        )

        model_version_from_run_request.additional_properties = d
        return model_version_from_run_request

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
