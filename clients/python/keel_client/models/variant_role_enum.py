from enum import StrEnum


class VariantRoleEnum(StrEnum):
    CANARY = "canary"
    CHALLENGER = "challenger"
    PRIMARY = "primary"
    SHADOW = "shadow"
    STANDBY = "standby"

    def __str__(self) -> str:
        return str(self.value)
