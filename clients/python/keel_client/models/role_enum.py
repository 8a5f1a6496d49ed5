from enum import StrEnum


class RoleEnum(StrEnum):
    EDITOR = "editor"
    MAINTAINER = "maintainer"
    OWNER = "owner"
    PREDICTOR = "predictor"
    VIEWER = "viewer"

    def __str__(self) -> str:
        return str(self.value)
