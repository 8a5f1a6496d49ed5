from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.capabilities_reasons import CapabilitiesReasons


T = TypeVar("T", bound="Capabilities")


@_attrs_define
class Capabilities:
    """Which of Keel's extras the version supports; a model lacking one is still served.

    Attributes:
        signature (bool): Named, typed inputs: requests are validated, OIP tensors served.
        explanations (bool): `explain: true` on predict gives per-feature contributions.
        onnx_export (bool): The model converts to ONNX (`POST …/export/onnx/build/`).
        fast_path (bool): Small batches go through the compiled numeric path.
        reasons (CapabilitiesReasons): For each extra the version lacks, why (and what would give it).
    """

    signature: bool
    explanations: bool
    onnx_export: bool
    fast_path: bool
    reasons: CapabilitiesReasons
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        signature = self.signature

        explanations = self.explanations

        onnx_export = self.onnx_export

        fast_path = self.fast_path

        reasons = self.reasons.to_dict()

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

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.capabilities_reasons import CapabilitiesReasons  # noqa: PLC0415

        d = dict(src_dict)
        signature = d.pop("signature")

        explanations = d.pop("explanations")

        onnx_export = d.pop("onnx_export")

        fast_path = d.pop("fast_path")

        reasons = CapabilitiesReasons.from_dict(d.pop("reasons"))

        capabilities = cls(
            signature=signature,
            explanations=explanations,
            onnx_export=onnx_export,
            fast_path=fast_path,
            reasons=reasons,
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
