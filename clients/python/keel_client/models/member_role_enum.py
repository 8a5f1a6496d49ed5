from enum import StrEnum


class MemberRoleEnum(StrEnum):
    EDITOR = "editor"
    MAINTAINER = "maintainer"
    OWNER = "owner"
    VIEWER = "viewer"

    def __str__(self) -> str:
        return str(self.value)
