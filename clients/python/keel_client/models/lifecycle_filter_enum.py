from enum import StrEnum


class LifecycleFilterEnum(StrEnum):
    ACTIVE = "active"
    ALL = "all"
    DELETED = "deleted"

    def __str__(self) -> str:
        return str(self.value)
