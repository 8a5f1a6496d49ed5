from enum import StrEnum


class TriggerEnum(StrEnum):
    ALERT = "alert"
    NEW_DATASET = "new_dataset"
    SCHEDULE = "schedule"

    def __str__(self) -> str:
        return str(self.value)
