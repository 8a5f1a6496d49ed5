from enum import StrEnum


class ApiVersionEnum(StrEnum):
    KEELV1 = "keel/v1"

    def __str__(self) -> str:
        return str(self.value)
