from enum import StrEnum


class RunInputRoleEnum(StrEnum):
    EVALUATION = "evaluation"
    OTHER = "other"
    TRAINING = "training"

    def __str__(self) -> str:
        return str(self.value)
