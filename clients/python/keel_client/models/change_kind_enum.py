from enum import StrEnum


class ChangeKindEnum(StrEnum):
    ALERT_RULE = "alert_rule"
    CHANNEL = "channel"
    DATASET = "dataset"
    DATASET_RULE = "dataset_rule"
    DEPLOYMENT = "deployment"
    DRIFT = "drift"
    MEMBER = "member"
    PROJECT = "project"
    RETRAINING_POLICY = "retraining_policy"

    def __str__(self) -> str:
        return str(self.value)
