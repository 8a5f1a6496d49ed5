from enum import StrEnum


class UnknownFeaturesEnum(StrEnum):
    ERROR = "error"
    IGNORE = "ignore"

    def __str__(self) -> str:
        return str(self.value)
