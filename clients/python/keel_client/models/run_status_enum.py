from enum import StrEnum


class RunStatusEnum(StrEnum):
    FAILED = "failed"
    FINISHED = "finished"
    KILLED = "killed"
    RUNNING = "running"

    def __str__(self) -> str:
        return str(self.value)
