from enum import StrEnum


class KeyEnum(StrEnum):
    API_DOCS = "api_docs"
    BACKUP = "backup"
    COMPLIANCE = "compliance"
    LOAD_TEST = "load_test"
    MONITORING = "monitoring"
    ROLLBACK = "rollback"

    def __str__(self) -> str:
        return str(self.value)
