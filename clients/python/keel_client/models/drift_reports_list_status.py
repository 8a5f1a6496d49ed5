from enum import StrEnum


class DriftReportsListStatus(StrEnum):
    DRIFT = "drift"
    FAILED = "failed"
    INSUFFICIENT_DATA = "insufficient_data"
    OK = "ok"
    WARNING = "warning"

    def __str__(self) -> str:
        return str(self.value)
