"""The Evidently default selection table (DESIGN section 9), branch by branch."""

from __future__ import annotations

import numpy as np
import pytest

from monitoring.drift import column_drift, profile_column_from_values, select_method


@pytest.mark.parametrize(
    ("kind", "reference_size", "n_unique", "expected"),
    [
        ("numeric", 1000, 6, "ks"),
        ("integer", 30, 100, "ks"),
        ("numeric", 1000, 5, "chisquare"),
        ("integer", 1000, 3, "chisquare"),
        ("numeric", 1000, 2, "z"),
        ("numeric", 1000, 1, "z"),
        ("categorical", 1000, 3, "chisquare"),
        ("text", 500, 400, "chisquare"),
        ("categorical", 1000, 2, "z"),
        ("boolean", 1000, 2, "z"),
        ("numeric", 1001, 6, "wasserstein"),
        ("integer", 100_000, 5000, "wasserstein"),
        ("numeric", 1001, 5, "jensenshannon"),
        ("numeric", 5000, 2, "jensenshannon"),
        ("categorical", 1001, 2, "jensenshannon"),
        ("categorical", 1001, 50, "jensenshannon"),
        ("boolean", 5000, 2, "jensenshannon"),
        ("text", 5000, 4000, "jensenshannon"),
    ],
)
def test_select_method_table(kind, reference_size, n_unique, expected):
    assert select_method(kind, reference_size, n_unique) == expected


def test_select_method_rejects_unknown_kinds():
    with pytest.raises(ValueError):
        select_method("datetime", 100, 10)


def test_select_method_counts_distinct_values_of_reference_and_current():
    # 5 values in the reference, a 6th only in the current window: > 5 together, so KS
    column = profile_column_from_values("x", np.tile([1, 2, 3, 4, 5], 100), "integer")
    assert column_drift(column, np.tile([1, 2, 3, 4, 5], 20)).method == "chisquare"
    assert column_drift(column, np.tile([1, 2, 3, 4, 6], 20)).method == "ks"


def test_select_method_two_values_become_three_with_a_new_category():
    column = profile_column_from_values("c", ["a", "b"] * 200, "categorical")
    assert column_drift(column, ["a", "b"] * 50).method == "z"
    assert column_drift(column, ["a", "b", "c"] * 50).method == "chisquare"
