from enum import StrEnum


class DatasetVersionStatusEnum(StrEnum):
    INVALID = "invalid"
    VALID = "valid"

    def __str__(self) -> str:
        return str(self.value)
