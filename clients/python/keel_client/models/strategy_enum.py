from enum import StrEnum


class StrategyEnum(StrEnum):
    AB_TEST = "ab_test"
    BLUE_GREEN = "blue_green"
    CANARY = "canary"
    ROLLING = "rolling"
    SHADOW = "shadow"
    SINGLE = "single"

    def __str__(self) -> str:
        return str(self.value)
