from enum import StrEnum


class DriftReportStatusEnum(StrEnum):
    FAILED = "failed"
    INSUFFICIENT_DATA = "insufficient_data"
    OK = "ok"

    def __str__(self) -> str:
        return str(self.value)
