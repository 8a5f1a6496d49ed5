"""Evidently's default choice of method per column (DESIGN section 9)."""

from __future__ import annotations

NUMERIC_KINDS = frozenset({"numeric", "integer"})
CATEGORICAL_KINDS = frozenset({"categorical", "boolean", "text"})
LARGE_REFERENCE = 1000  # rows; above it the distance methods replace the tests


def is_numeric(kind: str) -> bool:
    return kind in NUMERIC_KINDS


def check_kind(kind: str) -> None:
    if kind not in NUMERIC_KINDS | CATEGORICAL_KINDS:
        raise ValueError(f"no drift method for column kind {kind!r}")


def select_method(kind: str, reference_size: int, n_unique: int) -> str:
    """The default method for a column.

    ``reference_size`` is the reference's non-null row count and ``n_unique`` the number of distinct non-null values
    over reference and current together. Reference <= 1000 rows: numeric with > 5 values -> ks, numeric with 3-5
    values or categorical with > 2 -> chisquare, <= 2 values -> z. Reference > 1000 rows: numeric with > 5 values
    -> wasserstein, anything else -> jensenshannon. Boolean and text columns count as categorical.
    """
    check_kind(kind)
    numeric = is_numeric(kind)
    if reference_size > LARGE_REFERENCE:
        return "wasserstein" if numeric and n_unique > 5 else "jensenshannon"
    if numeric and n_unique > 5:
        return "ks"
    return "chisquare" if n_unique > 2 else "z"
