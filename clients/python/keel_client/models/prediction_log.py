from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PredictionLog")


@_attrs_define
class PredictionLog:
    """
    Attributes:
        request_id (str):
        revision_number (int):
        variant (str):
        model_version_id (int):
        inputs (Any):
        latency_ms (float):
        prediction_id (UUID | Unset):
        created_at (datetime.datetime | Unset):
        caller (str | Unset):
        routing_key (str | Unset):
        subject_id (None | str | Unset):
        outputs (Any | Unset):
        is_error (bool | Unset):
        error (str | Unset):
        shadow (bool | Unset):
        flags (Any | Unset):
    """

    request_id: str
    revision_number: int
    variant: str
    model_version_id: int
    inputs: Any
    latency_ms: float
    prediction_id: UUID | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    caller: str | Unset = UNSET
    routing_key: str | Unset = UNSET
    subject_id: None | str | Unset = UNSET
    outputs: Any | Unset = UNSET
    is_error: bool | Unset = UNSET
    error: str | Unset = UNSET
    shadow: bool | Unset = UNSET
    flags: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        request_id = self.request_id

        revision_number = self.revision_number

        variant = self.variant

        model_version_id = self.model_version_id

        inputs = self.inputs

        latency_ms = self.latency_ms

        prediction_id: str | Unset = UNSET
        if not isinstance(self.prediction_id, Unset):
            prediction_id = str(self.prediction_id)

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        caller = self.caller

        routing_key = self.routing_key

        subject_id: None | str | Unset
        if isinstance(self.subject_id, Unset):
            subject_id = UNSET
        else:
            subject_id = self.subject_id

        outputs = self.outputs

        is_error = self.is_error

        error = self.error

        shadow = self.shadow

        flags = self.flags

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "request_id": request_id,
                "revision_number": revision_number,
                "variant": variant,
                "model_version_id": model_version_id,
                "inputs": inputs,
                "latency_ms": latency_ms,
            }
        )
        if prediction_id is not UNSET:
            field_dict["prediction_id"] = prediction_id
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if caller is not UNSET:
            field_dict["caller"] = caller
        if routing_key is not UNSET:
            field_dict["routing_key"] = routing_key
        if subject_id is not UNSET:
            field_dict["subject_id"] = subject_id
        if outputs is not UNSET:
            field_dict["outputs"] = outputs
        if is_error is not UNSET:
            field_dict["is_error"] = is_error
        if error is not UNSET:
            field_dict["error"] = error
        if shadow is not UNSET:
            field_dict["shadow"] = shadow
        if flags is not UNSET:
            field_dict["flags"] = flags

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        request_id = d.pop("request_id")

        revision_number = d.pop("revision_number")

        variant = d.pop("variant")

        model_version_id = d.pop("model_version_id")

        inputs = d.pop("inputs")

        latency_ms = d.pop("latency_ms")

        _prediction_id = d.pop("prediction_id", UNSET)
        prediction_id: UUID | Unset
        if isinstance(_prediction_id, Unset):
            prediction_id = UNSET
        else:
            prediction_id = UUID(_prediction_id)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        caller = d.pop("caller", UNSET)

        routing_key = d.pop("routing_key", UNSET)

        def _parse_subject_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        subject_id = _parse_subject_id(d.pop("subject_id", UNSET))

        outputs = d.pop("outputs", UNSET)

        is_error = d.pop("is_error", UNSET)

        error = d.pop("error", UNSET)

        shadow = d.pop("shadow", UNSET)

        flags = d.pop("flags", UNSET)

        prediction_log = cls(
            request_id=request_id,
            revision_number=revision_number,
            variant=variant,
            model_version_id=model_version_id,
            inputs=inputs,
            latency_ms=latency_ms,
            prediction_id=prediction_id,
            created_at=created_at,
            caller=caller,
            routing_key=routing_key,
            subject_id=subject_id,
            outputs=outputs,
            is_error=is_error,
            error=error,
            shadow=shadow,
            flags=flags,
        )

        prediction_log.additional_properties = d
        return prediction_log

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
