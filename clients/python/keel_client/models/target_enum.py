from enum import StrEnum


class TargetEnum(StrEnum):
    ROUTING_KEY = "routing_key"
    SUBJECT_ID = "subject_id"

    def __str__(self) -> str:
        return str(self.value)
