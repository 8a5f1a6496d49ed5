from enum import StrEnum


class SourceEnum(StrEnum):
    MLFLOW = "mlflow"
    RUN = "run"
    TRAINING = "training"
    UPLOAD = "upload"

    def __str__(self) -> str:
        return str(self.value)
