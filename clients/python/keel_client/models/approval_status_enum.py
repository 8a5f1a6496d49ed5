from enum import StrEnum


class ApprovalStatusEnum(StrEnum):
    APPROVED = "approved"
    OPEN = "open"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    def __str__(self) -> str:
        return str(self.value)
