from enum import StrEnum


class RetrainingRunsListStatus(StrEnum):
    AWAITING_APPROVAL = "awaiting_approval"
    FAILED = "failed"
    GATING = "gating"
    PROMOTED = "promoted"
    REJECTED = "rejected"
    ROLLED_BACK = "rolled_back"
    ROLLING_OUT = "rolling_out"
    TRAINING = "training"

    def __str__(self) -> str:
        return str(self.value)
