from enum import StrEnum


class EngineEnum(StrEnum):
    ONNXRUNTIME = "onnxruntime"
    SKLEARN = "sklearn"

    def __str__(self) -> str:
        return str(self.value)
