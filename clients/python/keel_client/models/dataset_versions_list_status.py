from enum import StrEnum


class DatasetVersionsListStatus(StrEnum):
    INVALID = "invalid"
    VALID = "valid"

    def __str__(self) -> str:
        return str(self.value)
