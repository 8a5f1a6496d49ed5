from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.engine_enum import EngineEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.capabilities_reasons import CapabilitiesReasons
    from ..models.parity import Parity


T = TypeVar("T", bound="Capabilities")


@_attrs_define
class Capabilities:
    """Which of Keel's extras the version supports; a model lacking one is still served.

    Attributes:
        signature (bool): Named, typed inputs: requests are validated, OIP tensors served.
        explanations (bool): `explain: true` on predict gives per-feature contributions.
        onnx_export (bool): The model converts to ONNX (`POST …/export/onnx/build/`).
        fast_path (bool): ONNX Runtime serves the version (its ONNX graph agreed with scikit-learn at registration).
        reasons (CapabilitiesReasons): For each extra the version lacks, why (and what would give it).
        engine (EngineEnum | Unset): * `onnxruntime` - onnxruntime
            * `sklearn` - sklearn
        parity (Parity | Unset): ONNX Runtime against scikit-learn on generated rows, measured at registration.
        onnx_sha256 (str | Unset): The stored ONNX graph ONNX Runtime serves.
        missing_values (str | Unset): Which engine (`onnxruntime` or `sklearn`) answers rows with a missing number:
            scikit-learn where ONNX's trees would send them elsewhere, or the estimator refuses them.
    """

    signature: bool
    explanations: bool
    onnx_export: bool
    fast_path: bool
    reasons: CapabilitiesReasons
    engine: EngineEnum | Unset = UNSET
    parity: Parity | Unset = UNSET
    onnx_sha256: str | Unset = UNSET
    missing_values: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        signature = self.signature

        explanations = self.explanations

        onnx_export = self.onnx_export

        fast_path = self.fast_path

        reasons = self.reasons.to_dict()

        engine: str | Unset = UNSET
        if not isinstance(self.engine, Unset):
            engine = self.engine.value

        parity: dict[str, Any] | Unset = UNSET
        if not isinstance(self.parity, Unset):
            parity = self.parity.to_dict()

        onnx_sha256 = self.onnx_sha256

        missing_values = self.missing_values

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "signature": signature,
                "explanations": explanations,
                "onnx_export": onnx_export,
                "fast_path": fast_path,
                "reasons": reasons,
            }
        )
        if engine is not UNSET:
            field_dict["engine"] = engine
        if parity is not UNSET:
            field_dict["parity"] = parity
        if onnx_sha256 is not UNSET:
            field_dict["onnx_sha256"] = onnx_sha256
        if missing_values is not UNSET:
            field_dict["missing_values"] = missing_values

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.capabilities_reasons import CapabilitiesReasons  # noqa: PLC0415
        from ..models.parity import Parity  # noqa: PLC0415

        d = dict(src_dict)
        signature = d.pop("signature")

        explanations = d.pop("explanations")

        onnx_export = d.pop("onnx_export")

        fast_path = d.pop("fast_path")

        reasons = CapabilitiesReasons.from_dict(d.pop("reasons"))

        _engine = d.pop("engine", UNSET)
        engine: EngineEnum | Unset
        if isinstance(_engine, Unset):
            engine = UNSET
        else:
            engine = EngineEnum(_engine)

        _parity = d.pop("parity", UNSET)
        parity: Parity | Unset
        if isinstance(_parity, Unset):
            parity = UNSET
        else:
            parity = Parity.from_dict(_parity)

        onnx_sha256 = d.pop("onnx_sha256", UNSET)

        missing_values = d.pop("missing_values", UNSET)

        capabilities = cls(
            signature=signature,
            explanations=explanations,
            onnx_export=onnx_export,
            fast_path=fast_path,
            reasons=reasons,
            engine=engine,
            parity=parity,
            onnx_sha256=onnx_sha256,
            missing_values=missing_values,
        )

        capabilities.additional_properties = d
        return capabilities

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
