from enum import StrEnum


class ModelVersionUploadFormatEnum(StrEnum):
    JOBLIB = "joblib"
    PICKLE = "pickle"
    SKOPS = "skops"

    def __str__(self) -> str:
        return str(self.value)
