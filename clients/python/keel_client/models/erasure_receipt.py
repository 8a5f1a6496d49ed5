from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.target_enum import TargetEnum

if TYPE_CHECKING:
    from ..models.erased_export import ErasedExport


T = TypeVar("T", bound="ErasureReceipt")


@_attrs_define
class ErasureReceipt:
    """
    Attributes:
        receipt (int): The audit event holding this receipt.
        target (TargetEnum): * `routing_key` - routing_key
            * `subject_id` - subject_id
        target_sha256 (str):
        predictions_deleted (int):
        feedback_deleted (int):
        export_rows_removed (int):
        exports_rewritten (list[ErasedExport]):
        erased_by (None | str):
        erased_at (datetime.datetime):
    """

    receipt: int
    target: TargetEnum
    target_sha256: str
    predictions_deleted: int
    feedback_deleted: int
    export_rows_removed: int
    exports_rewritten: list[ErasedExport]
    erased_by: None | str
    erased_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        receipt = self.receipt

        target = self.target.value

        target_sha256 = self.target_sha256

        predictions_deleted = self.predictions_deleted

        feedback_deleted = self.feedback_deleted

        export_rows_removed = self.export_rows_removed

        exports_rewritten = []
        for exports_rewritten_item_data in self.exports_rewritten:
            exports_rewritten_item = exports_rewritten_item_data.to_dict()
            exports_rewritten.append(exports_rewritten_item)

        erased_by: None | str
        erased_by = self.erased_by

        erased_at = self.erased_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "receipt": receipt,
                "target": target,
                "target_sha256": target_sha256,
                "predictions_deleted": predictions_deleted,
                "feedback_deleted": feedback_deleted,
                "export_rows_removed": export_rows_removed,
                "exports_rewritten": exports_rewritten,
                "erased_by": erased_by,
                "erased_at": erased_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.erased_export import ErasedExport  # noqa: PLC0415

        d = dict(src_dict)
        receipt = d.pop("receipt")

        target = TargetEnum(d.pop("target"))

        target_sha256 = d.pop("target_sha256")

        predictions_deleted = d.pop("predictions_deleted")

        feedback_deleted = d.pop("feedback_deleted")

        export_rows_removed = d.pop("export_rows_removed")

        exports_rewritten = []
        _exports_rewritten = d.pop("exports_rewritten")
        for exports_rewritten_item_data in _exports_rewritten:
            exports_rewritten_item = ErasedExport.from_dict(exports_rewritten_item_data)

            exports_rewritten.append(exports_rewritten_item)

        def _parse_erased_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        erased_by = _parse_erased_by(d.pop("erased_by"))

        erased_at = datetime.datetime.fromisoformat(d.pop("erased_at"))

        erasure_receipt = cls(
            receipt=receipt,
            target=target,
            target_sha256=target_sha256,
            predictions_deleted=predictions_deleted,
            feedback_deleted=feedback_deleted,
            export_rows_removed=export_rows_removed,
            exports_rewritten=exports_rewritten,
            erased_by=erased_by,
            erased_at=erased_at,
        )

        erasure_receipt.additional_properties = d
        return erasure_receipt

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
