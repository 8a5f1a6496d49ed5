from enum import StrEnum


class DatasetUploadFormatEnum(StrEnum):
    CSV = "csv"
    PARQUET = "parquet"

    def __str__(self) -> str:
        return str(self.value)
