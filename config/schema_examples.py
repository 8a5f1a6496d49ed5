"""Request examples for the OpenAPI schema, keyed by path and method (a drf-spectacular postprocessing hook).

Swagger UI and ReDoc prefill request bodies from these, and generated clients show them. The names are the demo's
(`manage.py demo`: project `demo-breast-cancer`, dataset `breast-cancer`, model `diagnosis`, deployment
`diagnosis-api`), so an example sent as-is to the demo works. tests/serving/test_schema_examples.py checks that
every key names an operation with a JSON body and that the predict and feedback examples are accepted.
"""

from __future__ import annotations

from typing import Any

P = "/api/v1/projects/{project}/"
D = P + "deployments/{deployment}/"

# The first row of scikit-learn's Wisconsin breast cancer data (the demo's dataset), features only.
CANCER_ROW: dict[str, float] = {
    "mean_radius": 17.99,
    "mean_texture": 10.38,
    "mean_perimeter": 122.8,
    "mean_area": 1001.0,
    "mean_smoothness": 0.1184,
    "mean_compactness": 0.2776,
    "mean_concavity": 0.3001,
    "mean_concave_points": 0.1471,
    "mean_symmetry": 0.2419,
    "mean_fractal_dimension": 0.07871,
    "radius_error": 1.095,
    "texture_error": 0.9053,
    "perimeter_error": 8.589,
    "area_error": 153.4,
    "smoothness_error": 0.006399,
    "compactness_error": 0.04904,
    "concavity_error": 0.05373,
    "concave_points_error": 0.01587,
    "symmetry_error": 0.03003,
    "fractal_dimension_error": 0.006193,
    "worst_radius": 25.38,
    "worst_texture": 17.33,
    "worst_perimeter": 184.6,
    "worst_area": 2019.0,
    "worst_smoothness": 0.1622,
    "worst_compactness": 0.6656,
    "worst_concavity": 0.7119,
    "worst_concave_points": 0.2654,
    "worst_symmetry": 0.4601,
    "worst_fractal_dimension": 0.1189,
}

PREDICTION_ID = "6f1c2a0e-3b9d-4c57-9a1e-0d2b7c4e8f13"

# (path, method) -> {example name: (summary, value)}; the first example is the one Swagger UI prefills.
EXAMPLES: dict[tuple[str, str], dict[str, tuple[str, Any]]] = {
    ("/api/v1/projects/", "post"): {
        "classification": (
            "A classification project",
            {"slug": "demo-breast-cancer", "name": "Breast cancer diagnosis", "task_type": "classification"},
        ),
    },
    (P + "datasets/", "post"): {
        "dataset": ("A dataset (upload versions to it next)", {"name": "breast-cancer", "tags": {"source": "uci"}}),
    },
    (P + "training-jobs/", "post"): {
        "grid_search": (
            "Logistic regression, grid search over C, registered as `diagnosis`",
            {
                "dataset": "breast-cancer",
                "spec": {
                    "estimator": "logistic_regression",
                    "search": {"kind": "grid", "space": {"C": [0.1, 1.0, 10.0]}},
                    "cv_folds": 5,
                    "scoring": "f1_macro",
                    "seed": 42,
                },
                "experiment": "default",
                "register_model": "diagnosis",
            },
        ),
        "fixed_params": (
            "A random forest with fixed parameters on dataset version 1",
            {
                "dataset": "breast-cancer",
                "dataset_version": 1,
                "spec": {"estimator": "random_forest", "params": {"n_estimators": 200, "max_depth": 8}},
            },
        ),
    },
    (P + "runs/search", "post"): {
        "best_f1": (
            "Finished runs with F1 above 0.9, best first",
            {"filter": "metrics.f1_macro > 0.9 and status = 'finished'", "order_by": ["metrics.f1_macro DESC"]},
        ),
    },
    (P + "models/{model}/versions/", "post"): {
        "from_run": ("Register a run's model as the next version", {"run_id": "0b6f4d1e9c2a4f7b8e3d5a6c1f2e9d70"}),
    },
    (P + "models/{model}/aliases/{alias}/", "put"): {
        "champion": ("Point the alias at version 2", {"version": 2, "reason": "better F1 on the holdout"}),
    },
    (P + "models/{model}/versions/{number}/approval-requests/{request_id}/decide/", "post"): {
        "approve": ("Approve", {"decision": "approve", "comment": "metrics and checks look good"}),
        "reject": ("Reject", {"decision": "reject", "comment": "recall on malignant cases dropped"}),
    },
    (P + "deployments/", "post"): {
        "version": (
            "Serve version 1 of `diagnosis`",
            {"name": "diagnosis-api", "model": "diagnosis", "version": 1},
        ),
        "alias": (
            "Serve what the `champion` alias points at",
            {"name": "diagnosis-api", "model": "diagnosis", "alias": "champion"},
        ),
    },
    (D + "deploy/", "post"): {
        "canary": (
            "Send 10% of traffic to version 2",
            {"strategy": "canary", "model": "diagnosis", "version": 2, "fraction": 0.1, "reason": "retrained"},
        ),
        "single": ("Move all traffic to version 2", {"strategy": "single", "model": "diagnosis", "version": 2}),
        "shadow": (
            "Mirror a quarter of traffic to version 3 (its answers are logged, not returned)",
            {"strategy": "shadow", "model": "diagnosis", "version": 3, "fraction": 0.25},
        ),
    },
    (D + "rollback/", "post"): {
        "previous": ("Back to the previous revision", {"reason": "error rate rose after the deploy"}),
    },
    (D + "promote/", "post"): {
        "candidate": ("Give the canary all traffic", {"variant": "candidate", "reason": "canary healthy for an hour"}),
    },
    (D + "predict/", "post"): {
        "one_row": ("One row of features", {"inputs": [CANCER_ROW]}),
        "sticky": (
            "With a routing key: the same key always gets the same variant",
            {"inputs": [CANCER_ROW], "routing_key": "patient-1042"},
        ),
        "explained": ("With per-feature explanations", {"inputs": [CANCER_ROW], "explain": True}),
    },
    (D + "feedback/", "post"): {
        "one": ("The true label of one prediction", {"prediction_id": PREDICTION_ID, "value": 0}),
        "batch": (
            "Several at once",
            {
                "items": [
                    {"prediction_id": PREDICTION_ID, "value": 0},
                    {"prediction_id": "a3e5c7d9-1b2f-4e6a-8c0d-2f4b6d8e0a1c", "value": 1},
                ]
            },
        ),
        "correction": (
            "Replace a label given earlier",
            {"prediction_id": PREDICTION_ID, "value": 1, "overwrite": True},
        ),
    },
    (D + "drift-config/", "put"): {
        "hourly": (
            "A report every hour over the last 24 hours, with a stricter threshold on one feature",
            {
                "enabled": True,
                "window_minutes": 1440,
                "cadence_minutes": 60,
                "options": {"columns": {"mean_radius": {"method": "ks", "threshold": 0.01}}, "correction": "bh"},
            },
        ),
    },
    (D + "drift-reports/", "post"): {
        "last_hour": ("A report over the last hour, now", {"window_minutes": 60}),
    },
    (P + "alert-rules/", "post"): {
        "drift": (
            "Alert when half of the features drift",
            {
                "name": "drift share",
                "deployment": "diagnosis-api",
                "metric": "drift_share",
                "op": ">=",
                "threshold": 0.5,
                "severity": "critical",
            },
        ),
        "latency": (
            "Alert on slow answers",
            {
                "name": "slow",
                "deployment": "diagnosis-api",
                "metric": "latency_p95",
                "threshold": 250,
                "window_minutes": 15,
            },
        ),
    },
}


def add_request_examples(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Postprocessing hook: the request examples above, on their operations' JSON bodies."""
    paths = result.get("paths", {})  # all of them, or the subset a partial schema was asked for
    for (path, method), examples in EXAMPLES.items():
        media = paths.get(path, {}).get(method, {}).get("requestBody", {}).get("content", {}).get("application/json")
        if media is not None:
            media["examples"] = {name: {"summary": s, "value": value} for name, (s, value) in examples.items()}
    return result
