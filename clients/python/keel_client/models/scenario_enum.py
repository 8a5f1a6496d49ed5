from enum import StrEnum


class ScenarioEnum(StrEnum):
    CONCEPT_DRIFT = "concept_drift"
    GRADUAL_SHIFT = "gradual_shift"
    NEW_CATEGORY = "new_category"
    NONE = "none"
    SUDDEN_SHIFT = "sudden_shift"

    def __str__(self) -> str:
        return str(self.value)
