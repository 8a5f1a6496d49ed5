from enum import StrEnum


class RunSourceEnum(StrEnum):
    MANUAL = "manual"
    MLFLOW = "mlflow"
    TRAINING = "training"

    def __str__(self) -> str:
        return str(self.value)
