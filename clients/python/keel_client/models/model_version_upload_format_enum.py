from enum import StrEnum


class ModelVersionUploadFormatEnum(StrEnum):
    SKOPS = "skops"

    def __str__(self) -> str:
        return str(self.value)
