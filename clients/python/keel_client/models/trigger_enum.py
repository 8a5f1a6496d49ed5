from enum import StrEnum


class TriggerEnum(StrEnum):
    ALERT = "alert"
    NEW_DATA = "new_data"
    SCHEDULE = "schedule"

    def __str__(self) -> str:
        return str(self.value)
