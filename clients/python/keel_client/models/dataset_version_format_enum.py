from enum import StrEnum


class DatasetVersionFormatEnum(StrEnum):
    CSV = "csv"
    PARQUET = "parquet"

    def __str__(self) -> str:
        return str(self.value)
