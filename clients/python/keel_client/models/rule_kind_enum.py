from enum import StrEnum


class RuleKindEnum(StrEnum):
    ALLOWED_SET = "allowed_set"
    COLUMN_PRESENT = "column_present"
    COLUMN_TYPE = "column_type"
    NOT_NULL = "not_null"
    NO_DUPLICATE_ROWS = "no_duplicate_rows"
    RANGE = "range"
    REGEX = "regex"
    ROW_COUNT = "row_count"
    STATISTIC = "statistic"
    UNIQUE = "unique"

    def __str__(self) -> str:
        return str(self.value)
