from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.scenario_enum import ScenarioEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="SimulateRequest")


@_attrs_define
class SimulateRequest:
    """
    Attributes:
        dataset (str):
        version (int | None | Unset):
        scenario (ScenarioEnum | Unset): * `none` - none
            * `sudden_shift` - sudden_shift
            * `gradual_shift` - gradual_shift
            * `new_category` - new_category
            * `concept_drift` - concept_drift Default: ScenarioEnum.NONE.
        features (list[str] | Unset):
        k (float | Unset):  Default: 2.0.
        rate (float | Unset):  Default: 10.0.
        duration (float | Unset):  Default: 30.0.
        max_requests (int | Unset):  Default: 1000.
        batch (int | Unset):  Default: 1.
        label_rate (float | Unset):  Default: 0.0.
        feedback_delay (float | Unset):  Default: 0.0.
    """

    dataset: str
    version: int | None | Unset = UNSET
    scenario: ScenarioEnum | Unset = ScenarioEnum.NONE
    features: list[str] | Unset = UNSET
    k: float | Unset = 2.0
    rate: float | Unset = 10.0
    duration: float | Unset = 30.0
    max_requests: int | Unset = 1000
    batch: int | Unset = 1
    label_rate: float | Unset = 0.0
    feedback_delay: float | Unset = 0.0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        dataset = self.dataset

        version: int | None | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version

        scenario: str | Unset = UNSET
        if not isinstance(self.scenario, Unset):
            scenario = self.scenario.value

        features: list[str] | Unset = UNSET
        if not isinstance(self.features, Unset):
            features = self.features

        k = self.k

        rate = self.rate

        duration = self.duration

        max_requests = self.max_requests

        batch = self.batch

        label_rate = self.label_rate

        feedback_delay = self.feedback_delay

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "dataset": dataset,
            }
        )
        if version is not UNSET:
            field_dict["version"] = version
        if scenario is not UNSET:
            field_dict["scenario"] = scenario
        if features is not UNSET:
            field_dict["features"] = features
        if k is not UNSET:
            field_dict["k"] = k
        if rate is not UNSET:
            field_dict["rate"] = rate
        if duration is not UNSET:
            field_dict["duration"] = duration
        if max_requests is not UNSET:
            field_dict["max_requests"] = max_requests
        if batch is not UNSET:
            field_dict["batch"] = batch
        if label_rate is not UNSET:
            field_dict["label_rate"] = label_rate
        if feedback_delay is not UNSET:
            field_dict["feedback_delay"] = feedback_delay

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        dataset = d.pop("dataset")

        def _parse_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        version = _parse_version(d.pop("version", UNSET))

        _scenario = d.pop("scenario", UNSET)
        scenario: ScenarioEnum | Unset
        if isinstance(_scenario, Unset):
            scenario = UNSET
        else:
            scenario = ScenarioEnum(_scenario)

        features = cast(list[str], d.pop("features", UNSET))

        k = d.pop("k", UNSET)

        rate = d.pop("rate", UNSET)

        duration = d.pop("duration", UNSET)

        max_requests = d.pop("max_requests", UNSET)

        batch = d.pop("batch", UNSET)

        label_rate = d.pop("label_rate", UNSET)

        feedback_delay = d.pop("feedback_delay", UNSET)

        simulate_request = cls(
            dataset=dataset,
            version=version,
            scenario=scenario,
            features=features,
            k=k,
            rate=rate,
            duration=duration,
            max_requests=max_requests,
            batch=batch,
            label_rate=label_rate,
            feedback_delay=feedback_delay,
        )

        simulate_request.additional_properties = d
        return simulate_request

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
