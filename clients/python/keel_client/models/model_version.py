from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.approval_enum import ApprovalEnum
from ..models.artifact_format_enum import ArtifactFormatEnum
from ..models.health_enum import HealthEnum
from ..models.source_enum import SourceEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.capabilities import Capabilities
    from ..models.dataset_ref import DatasetRef


T = TypeVar("T", bound="ModelVersion")


@_attrs_define
class ModelVersion:
    """
    Attributes:
        model (str):
        version (int):
        source (SourceEnum): * `training` - Training
            * `run` - Run
            * `upload` - Upload
            * `mlflow` - Mlflow
        can_serve (bool):
        aliases (list[str]):
        artifact_sha256 (str):
        artifact_size (int):
        dataset_versions (list[DatasetRef]):
        capabilities (Capabilities): Which of Keel's extras the version supports; a model lacking one is still served.
        description (str | Unset):
        approval (ApprovalEnum | Unset): * `pending` - Pending
            * `approved` - Approved
            * `rejected` - Rejected
        health (HealthEnum | Unset): * `healthy` - Healthy
            * `unhealthy` - Unhealthy
        archived (bool | Unset):
        artifact_format (ArtifactFormatEnum | Unset): * `skops` - Skops
            * `pickle` - Pickle
            * `joblib` - Joblib
        flavor (str | Unset):
        library_versions (Any | Unset):
        signature (Any | Unset):
        input_example (Any | Unset):
        metrics (Any | Unset):
        run_id (None | str | Unset):
        training_job_uid (None | Unset | UUID):
        code_version (str | Unset):
        onnx_sha256 (str | Unset):
        onnx_parity (Any | Unset):
        created_by (None | str | Unset):
        created_at (datetime.datetime | Unset):
    """

    model: str
    version: int
    source: SourceEnum
    can_serve: bool
    aliases: list[str]
    artifact_sha256: str
    artifact_size: int
    dataset_versions: list[DatasetRef]
    capabilities: Capabilities
    description: str | Unset = UNSET
    approval: ApprovalEnum | Unset = UNSET
    health: HealthEnum | Unset = UNSET
    archived: bool | Unset = UNSET
    artifact_format: ArtifactFormatEnum | Unset = UNSET
    flavor: str | Unset = UNSET
    library_versions: Any | Unset = UNSET
    signature: Any | Unset = UNSET
    input_example: Any | Unset = UNSET
    metrics: Any | Unset = UNSET
    run_id: None | str | Unset = UNSET
    training_job_uid: None | Unset | UUID = UNSET
    code_version: str | Unset = UNSET
    onnx_sha256: str | Unset = UNSET
    onnx_parity: Any | Unset = UNSET
    created_by: None | str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        model = self.model

        version = self.version

        source = self.source.value

        can_serve = self.can_serve

        aliases = self.aliases

        artifact_sha256 = self.artifact_sha256

        artifact_size = self.artifact_size

        dataset_versions = []
        for dataset_versions_item_data in self.dataset_versions:
            dataset_versions_item = dataset_versions_item_data.to_dict()
            dataset_versions.append(dataset_versions_item)

        capabilities = self.capabilities.to_dict()

        description = self.description

        approval: str | Unset = UNSET
        if not isinstance(self.approval, Unset):
            approval = self.approval.value

        health: str | Unset = UNSET
        if not isinstance(self.health, Unset):
            health = self.health.value

        archived = self.archived

        artifact_format: str | Unset = UNSET
        if not isinstance(self.artifact_format, Unset):
            artifact_format = self.artifact_format.value

        flavor = self.flavor

        library_versions = self.library_versions

        signature = self.signature

        input_example = self.input_example

        metrics = self.metrics

        run_id: None | str | Unset
        if isinstance(self.run_id, Unset):
            run_id = UNSET
        else:
            run_id = self.run_id

        training_job_uid: None | str | Unset
        if isinstance(self.training_job_uid, Unset):
            training_job_uid = UNSET
        elif isinstance(self.training_job_uid, UUID):
            training_job_uid = str(self.training_job_uid)
        else:
            training_job_uid = self.training_job_uid

        code_version = self.code_version

        onnx_sha256 = self.onnx_sha256

        onnx_parity = self.onnx_parity

        created_by: None | str | Unset
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        else:
            created_by = self.created_by

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "model": model,
                "version": version,
                "source": source,
                "can_serve": can_serve,
                "aliases": aliases,
                "artifact_sha256": artifact_sha256,
                "artifact_size": artifact_size,
                "dataset_versions": dataset_versions,
                "capabilities": capabilities,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if approval is not UNSET:
            field_dict["approval"] = approval
        if health is not UNSET:
            field_dict["health"] = health
        if archived is not UNSET:
            field_dict["archived"] = archived
        if artifact_format is not UNSET:
            field_dict["artifact_format"] = artifact_format
        if flavor is not UNSET:
            field_dict["flavor"] = flavor
        if library_versions is not UNSET:
            field_dict["library_versions"] = library_versions
        if signature is not UNSET:
            field_dict["signature"] = signature
        if input_example is not UNSET:
            field_dict["input_example"] = input_example
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if run_id is not UNSET:
            field_dict["run_id"] = run_id
        if training_job_uid is not UNSET:
            field_dict["training_job_uid"] = training_job_uid
        if code_version is not UNSET:
            field_dict["code_version"] = code_version
        if onnx_sha256 is not UNSET:
            field_dict["onnx_sha256"] = onnx_sha256
        if onnx_parity is not UNSET:
            field_dict["onnx_parity"] = onnx_parity
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if created_at is not UNSET:
            field_dict["created_at"] = created_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.capabilities import Capabilities  # noqa: PLC0415
        from ..models.dataset_ref import DatasetRef  # noqa: PLC0415

        d = dict(src_dict)
        model = d.pop("model")

        version = d.pop("version")

        source = SourceEnum(d.pop("source"))

        can_serve = d.pop("can_serve")

        aliases = cast(list[str], d.pop("aliases"))

        artifact_sha256 = d.pop("artifact_sha256")

        artifact_size = d.pop("artifact_size")

        dataset_versions = []
        _dataset_versions = d.pop("dataset_versions")
        for dataset_versions_item_data in _dataset_versions:
            dataset_versions_item = DatasetRef.from_dict(dataset_versions_item_data)

            dataset_versions.append(dataset_versions_item)

        capabilities = Capabilities.from_dict(d.pop("capabilities"))

        description = d.pop("description", UNSET)

        _approval = d.pop("approval", UNSET)
        approval: ApprovalEnum | Unset
        if isinstance(_approval, Unset):
            approval = UNSET
        else:
            approval = ApprovalEnum(_approval)

        _health = d.pop("health", UNSET)
        health: HealthEnum | Unset
        if isinstance(_health, Unset):
            health = UNSET
        else:
            health = HealthEnum(_health)

        archived = d.pop("archived", UNSET)

        _artifact_format = d.pop("artifact_format", UNSET)
        artifact_format: ArtifactFormatEnum | Unset
        if isinstance(_artifact_format, Unset):
            artifact_format = UNSET
        else:
            artifact_format = ArtifactFormatEnum(_artifact_format)

        flavor = d.pop("flavor", UNSET)

        library_versions = d.pop("library_versions", UNSET)

        signature = d.pop("signature", UNSET)

        input_example = d.pop("input_example", UNSET)

        metrics = d.pop("metrics", UNSET)

        def _parse_run_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        run_id = _parse_run_id(d.pop("run_id", UNSET))

        def _parse_training_job_uid(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                training_job_uid_type_0 = UUID(data)

                return training_job_uid_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        training_job_uid = _parse_training_job_uid(d.pop("training_job_uid", UNSET))

        code_version = d.pop("code_version", UNSET)

        onnx_sha256 = d.pop("onnx_sha256", UNSET)

        onnx_parity = d.pop("onnx_parity", UNSET)

        def _parse_created_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        created_by = _parse_created_by(d.pop("created_by", UNSET))

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        model_version = cls(
            model=model,
            version=version,
            source=source,
            can_serve=can_serve,
            aliases=aliases,
            artifact_sha256=artifact_sha256,
            artifact_size=artifact_size,
            dataset_versions=dataset_versions,
            capabilities=capabilities,
            description=description,
            approval=approval,
            health=health,
            archived=archived,
            artifact_format=artifact_format,
            flavor=flavor,
            library_versions=library_versions,
            signature=signature,
            input_example=input_example,
            metrics=metrics,
            run_id=run_id,
            training_job_uid=training_job_uid,
            code_version=code_version,
            onnx_sha256=onnx_sha256,
            onnx_parity=onnx_parity,
            created_by=created_by,
            created_at=created_at,
        )

        model_version.additional_properties = d
        return model_version

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
