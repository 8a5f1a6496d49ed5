from enum import StrEnum


class MetricEnum(StrEnum):
    DRIFT_SHARE = "drift_share"
    DRIFT_STATUS = "drift_status"
    ERROR_RATE = "error_rate"
    FEATURE_DRIFT = "feature_drift"
    LATENCY_P95 = "latency_p95"
    QUALITY = "quality"
    TRAFFIC = "traffic"

    def __str__(self) -> str:
        return str(self.value)
