from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TrainingJobSubmitRequest")


@_attrs_define
class TrainingJobSubmitRequest:
    """
    Attributes:
        dataset (str): Dataset name in this project.
        spec (Any): target, features (default: the schema's feature columns), estimator, params, search {kind:
            none|grid|random|halving, space, n_iter}, preprocessing, cv_folds, scoring, holdout_fraction, seed, n_jobs.
        dataset_version (int | None | Unset): Version number; default: the latest version.
        experiment (str | Unset):  Default: 'default'.
        run_name (str | Unset):  Default: ''.
        code_version (str | Unset):  Default: ''.
        allow_invalid_data (bool | Unset): Train on a version that failed validation (audited). Default: False.
        time_limit (int | None | Unset):
        register_model (str | Unset): Register the result as a new version of this model when the acceptance criteria
            pass.
    """

    dataset: str
    spec: Any
    dataset_version: int | None | Unset = UNSET
    experiment: str | Unset = "default"
    run_name: str | Unset = ""
    code_version: str | Unset = ""
    allow_invalid_data: bool | Unset = False
    time_limit: int | None | Unset = UNSET
    register_model: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        dataset = self.dataset

        spec = self.spec

        dataset_version: int | None | Unset
        if isinstance(self.dataset_version, Unset):
            dataset_version = UNSET
        else:
            dataset_version = self.dataset_version

        experiment = self.experiment

        run_name = self.run_name

        code_version = self.code_version

        allow_invalid_data = self.allow_invalid_data

        time_limit: int | None | Unset
        if isinstance(self.time_limit, Unset):
            time_limit = UNSET
        else:
            time_limit = self.time_limit

        register_model: str | Unset
        if isinstance(self.register_model, Unset):
            register_model = UNSET
        else:
            register_model = self.register_model

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "dataset": dataset,
                "spec": spec,
            }
        )
        if dataset_version is not UNSET:
            field_dict["dataset_version"] = dataset_version
        if experiment is not UNSET:
            field_dict["experiment"] = experiment
        if run_name is not UNSET:
            field_dict["run_name"] = run_name
        if code_version is not UNSET:
            field_dict["code_version"] = code_version
        if allow_invalid_data is not UNSET:
            field_dict["allow_invalid_data"] = allow_invalid_data
        if time_limit is not UNSET:
            field_dict["time_limit"] = time_limit
        if register_model is not UNSET:
            field_dict["register_model"] = register_model

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        dataset = d.pop("dataset")

        spec = d.pop("spec")

        def _parse_dataset_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        dataset_version = _parse_dataset_version(d.pop("dataset_version", UNSET))

        experiment = d.pop("experiment", UNSET)

        run_name = d.pop("run_name", UNSET)

        code_version = d.pop("code_version", UNSET)

        allow_invalid_data = d.pop("allow_invalid_data", UNSET)

        def _parse_time_limit(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        time_limit = _parse_time_limit(d.pop("time_limit", UNSET))

        def _parse_register_model(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        register_model = _parse_register_model(d.pop("register_model", UNSET))

        training_job_submit_request = cls(
            dataset=dataset,
            spec=spec,
            dataset_version=dataset_version,
            experiment=experiment,
            run_name=run_name,
            code_version=code_version,
            allow_invalid_data=allow_invalid_data,
            time_limit=time_limit,
            register_model=register_model,
        )

        training_job_submit_request.additional_properties = d
        return training_job_submit_request

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
