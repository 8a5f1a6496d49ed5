from enum import StrEnum


class ColumnRoleEnum(StrEnum):
    FEATURE = "feature"
    IDENTIFIER = "identifier"
    IGNORED = "ignored"
    TARGET = "target"
    TIMESTAMP = "timestamp"

    def __str__(self) -> str:
        return str(self.value)
