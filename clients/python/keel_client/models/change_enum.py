from enum import StrEnum


class ChangeEnum(StrEnum):
    ADDED = "added"
    KIND_CHANGED = "kind_changed"
    NULLABLE_CHANGED = "nullable_changed"
    REMOVED = "removed"

    def __str__(self) -> str:
        return str(self.value)
