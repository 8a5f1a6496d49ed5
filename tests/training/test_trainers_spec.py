"""validate_spec: every error names the right field and code; defaults are filled in. No training, no database."""

from __future__ import annotations

import pytest

from training.trainers.estimators import ESTIMATORS, estimator_names, make_estimator
from training.trainers.spec import MAX_CANDIDATES, SearchSpec, TrainingSpec, validate_spec

COLUMNS = {
    "id": "integer",
    "age": "numeric",
    "city": "categorical",
    "signup": "datetime",
    "spend": "numeric",
    "churned": "boolean",
}
ROLES = {
    "id": "identifier",
    "age": "feature",
    "city": "feature",
    "signup": "feature",
    "spend": "feature",
    "churned": "target",
}
CLASS_COUNTS = {True: 300, False: 700}


def _validate(raw, *, task_type="classification", n_rows=1000, class_counts=CLASS_COUNTS, columns=COLUMNS, roles=ROLES):
    return validate_spec(
        raw, task_type=task_type, columns=columns, roles=roles, n_rows=n_rows, class_counts=class_counts
    )


def _errors(raw, **kwargs):
    spec, errors = _validate(raw, **kwargs)
    assert spec is None
    return {(error["field"], error["code"]) for error in errors}


def test_validate_spec_fills_defaults_from_roles_and_task():
    spec, errors = _validate({"estimator": "random_forest"})
    assert errors == []
    assert spec.target == "churned"
    assert spec.features == ["age", "city", "spend"]  # not the identifier, not the target, not the datetime
    assert spec.column_kinds == {"age": "numeric", "city": "categorical", "spend": "numeric"}
    assert (spec.cv_folds, spec.holdout_fraction, spec.seed, spec.n_jobs) == (5, 0.2, 0, -1)
    assert spec.scoring == "f1_macro"
    assert spec.search == SearchSpec(kind="none", space={}, n_iter=10)


def test_validate_spec_regression_defaults_to_rmse_scoring():
    spec, errors = _validate({"estimator": "ridge", "target": "spend"}, task_type="regression", class_counts=None)
    assert errors == []
    assert spec.scoring == "neg_root_mean_squared_error"
    assert "spend" not in spec.features


def test_validate_spec_accepts_a_full_spec_with_distributions_and_a_listed_datetime():
    raw = {
        "target": "churned",
        "features": ["age", "city", "signup"],
        "preprocessing": {"numeric": {"scaler": "robust"}, "categorical": {"encoder": "ordinal", "max_categories": 5}},
        "estimator": "logistic_regression",
        "params": {"max_iter": 500},
        "search": {"kind": "random", "space": {"C": {"dist": "loguniform", "low": 0.01, "high": 10}}, "n_iter": 4},
        "cv_folds": 3,
        "scoring": "roc_auc",
        "holdout_fraction": 0.25,
        "seed": 7,
        "n_jobs": 2,
    }
    spec, errors = _validate(raw)
    assert errors == []
    assert spec.column_kinds["signup"] == "datetime"
    assert spec.search.has_distributions
    assert TrainingSpec.from_dict(spec.to_dict()) == spec


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"estimator": "xgboost"}, ("spec.estimator", "unknown_estimator")),
        ({"estimator": "ridge"}, ("spec.estimator", "unsupported_task")),
        ({"estimator": "svm", "params": {"Cee": 1.0}}, ("spec.params.Cee", "unknown_param")),
        ({"estimator": "svm", "params": {"C": -1.0}}, ("spec.params.C", "invalid_param")),
        ({"estimator": "svm", "params": {"kernel": "cubic"}}, ("spec.params.kernel", "invalid_param")),
        ({"estimator": "svm", "params": {"probability": False}}, ("spec.params.probability", "locked_param")),
        ({"estimator": "svm", "params": []}, ("spec.params", "invalid")),
        ({"estimator": "random_forest", "colour": "red"}, ("spec.colour", "unknown_field")),
        ({"estimator": "random_forest", "target": "nope"}, ("spec.target", "unknown_column")),
        ({"estimator": "random_forest", "features": ["age", "nope"]}, ("spec.features[1]", "unknown_column")),
        ({"estimator": "random_forest", "features": ["churned"]}, ("spec.features[0]", "target_as_feature")),
        ({"estimator": "random_forest", "features": ["age", "age"]}, ("spec.features[1]", "duplicate")),
        ({"estimator": "random_forest", "features": []}, ("spec.features", "invalid")),
        ({"estimator": "random_forest", "cv_folds": 1}, ("spec.cv_folds", "out_of_range")),
        ({"estimator": "random_forest", "cv_folds": "5"}, ("spec.cv_folds", "invalid")),
        ({"estimator": "random_forest", "holdout_fraction": 0}, ("spec.holdout_fraction", "out_of_range")),
        ({"estimator": "random_forest", "holdout_fraction": 0.6}, ("spec.holdout_fraction", "out_of_range")),
        ({"estimator": "random_forest", "scoring": "f2_macro"}, ("spec.scoring", "unknown_scoring")),
        ({"estimator": "random_forest", "scoring": "r2"}, ("spec.scoring", "unsupported_task")),
        ({"estimator": "random_forest", "seed": -1}, ("spec.seed", "out_of_range")),
        ({"estimator": "random_forest", "n_jobs": 0}, ("spec.n_jobs", "invalid")),
        ({"estimator": "random_forest", "preprocessing": {"numeric": {"scaler": "zscore"}}},
         ("spec.preprocessing.numeric.scaler", "invalid_choice")),
        ({"estimator": "random_forest", "preprocessing": {"numeric": {"bins": 3}}},
         ("spec.preprocessing.numeric.bins", "unknown_option")),
        ({"estimator": "random_forest", "preprocessing": {"geo": {}}}, ("spec.preprocessing.geo", "unknown_kind")),
        ({"estimator": "random_forest", "preprocessing": {"categorical": {"max_categories": 1}}},
         ("spec.preprocessing.categorical.max_categories", "invalid")),
    ],
)  # fmt: skip
def test_validate_spec_names_the_field_in_error(raw, expected):
    assert expected in _errors(raw)


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ({"kind": "bayes", "space": {"C": [1.0]}}, ("spec.search.kind", "invalid_choice")),
        ({"kind": "none", "space": {"C": [1.0]}}, ("spec.search.space", "unexpected")),
        ({"kind": "grid", "space": {}}, ("spec.search.space", "required")),
        ({"kind": "grid", "space": {"C": [1.0, -1.0]}}, ("spec.search.space.C", "invalid_param")),
        ({"kind": "grid", "space": {"gamma": ["auto", "huge"]}}, ("spec.search.space.gamma", "invalid_param")),
        ({"kind": "grid", "space": {"Cee": [1.0]}}, ("spec.search.space.Cee", "unknown_param")),
        ({"kind": "grid", "space": {"C": []}}, ("spec.search.space.C", "invalid")),
        ({"kind": "grid", "space": {"C": {"dist": "uniform", "low": 1, "high": 2}}},
         ("spec.search.space.C", "invalid")),
        ({"kind": "random", "space": {"C": {"dist": "loguniform", "low": 0, "high": 1}}},
         ("spec.search.space.C", "invalid_distribution")),
        ({"kind": "random", "space": {"C": {"dist": "normal", "low": 0, "high": 1}}},
         ("spec.search.space.C", "invalid_distribution")),
        ({"kind": "random", "space": {"C": {"dist": "uniform", "low": 2, "high": 1}}},
         ("spec.search.space.C", "invalid_distribution")),
        ({"kind": "random", "space": {"C": {"dist": "uniform", "low": -1, "high": 1}}},
         ("spec.search.space.C", "invalid_param")),
        ({"kind": "random", "space": {"C": [1.0]}, "n_iter": 0}, ("spec.search.n_iter", "min_value")),
        ({"kind": "random", "space": {"C": [1.0]}, "n_iter": MAX_CANDIDATES + 1},
         ("spec.search.n_iter", "too_many_candidates")),
        ({"kind": "grid", "space": {"C": [1.0]}, "budget": 3}, ("spec.search.budget", "unknown_field")),
        ({"kind": "grid", "space": {"C": [0.1 * i for i in range(1, 31)], "tol": [1e-3, 1e-4] * 5,
                                    "gamma": ["auto", "scale"]}}, ("spec.search.space", "too_many_candidates")),
    ],
)  # fmt: skip
def test_validate_spec_names_the_search_field_in_error(search, expected):
    assert expected in _errors({"estimator": "svm", "search": search})


def test_validate_spec_lists_allowed_estimators_in_the_message():
    _, errors = _validate({"estimator": "xgboost"})
    assert all(name in errors[0]["message"] for name in estimator_names())


def test_validate_spec_rejects_a_searched_parameter_that_is_also_fixed():
    raw = {"estimator": "svm", "params": {"C": 1.0}, "search": {"kind": "grid", "space": {"C": [1.0, 2.0]}}}
    assert ("spec.search.space.C", "duplicate_param") in _errors(raw)


def test_validate_spec_checks_randint_bounds_against_the_estimator():
    search = {"kind": "random", "space": {"n_neighbors": {"dist": "randint", "low": 0, "high": 5}}}
    assert ("spec.search.space.n_neighbors", "invalid_param") in _errors({"estimator": "knn", "search": search})


def test_validate_spec_needs_a_target_when_no_column_has_the_role():
    roles = {**ROLES, "churned": "ignored"}
    assert ("spec.target", "required") in _errors({"estimator": "random_forest"}, roles=roles)


def test_validate_spec_regression_needs_a_numeric_target():
    errors = _errors({"estimator": "ridge", "target": "city"}, task_type="regression", class_counts=None)
    assert ("spec.target", "invalid_target_kind") in errors


def test_validate_spec_needs_enough_rows_per_class_for_the_folds():
    # 6 rows of the rare class leave 4 after a 20 % holdout: too few for 5 stratified folds
    errors = _errors({"estimator": "random_forest"}, class_counts={True: 6, False: 994})
    assert ("spec.cv_folds", "too_few_rows_per_class") in errors
    spec, errors = _validate({"estimator": "random_forest", "cv_folds": 4}, class_counts={True: 6, False: 994})
    assert errors == [] and spec.cv_folds == 4


def test_validate_spec_needs_two_classes_and_enough_rows():
    assert ("spec.target", "single_class") in _errors({"estimator": "random_forest"}, class_counts={True: 1000})
    assert ("spec.cv_folds", "too_few_rows") in _errors({"estimator": "random_forest"}, n_rows=5, class_counts=None)


def test_validate_spec_rejects_an_unknown_task_type():
    _, errors = _validate({"estimator": "random_forest"}, task_type="clustering")
    assert errors[0]["field"] == "task_type"


def test_estimator_allow_list_matches_the_task_types():
    assert estimator_names("classification") == [
        "decision_tree", "hist_gradient_boosting", "knn", "logistic_regression", "random_forest", "svm",
    ]  # fmt: skip
    assert estimator_names("regression") == ["hist_gradient_boosting", "lasso", "random_forest", "ridge"]
    for name, info in ESTIMATORS.items():
        for task_type in info.task_types:
            estimator = make_estimator(name, task_type, seed=11)
            if "random_state" in estimator.get_params():
                assert estimator.get_params()["random_state"] == 11
    assert make_estimator("svm", "classification").probability is True
