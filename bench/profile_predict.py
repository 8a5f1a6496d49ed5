"""Where a warm single-row predict's CPU goes: framework, auth/routing, validation, model, log write.

Drives ``POST /api/v1/projects/<p>/deployments/<d>/predict/`` through Django's test ``Client`` (the whole WSGI
stack a server calls: middleware, DRF, token auth, role check, rate limit, routing, validation, model, the
prediction-log write on Postgres; no HTTP parsing, no network). Two passes over the same warm requests:

1. CPU per request with no profiler attached (``time.process_time`` over ``--requests`` requests): the figure;
2. the same under cProfile on the CPU clock, whose inclusive times of the path's entry points give the split,
   scaled to (1) so the profiler's own overhead does not inflate the total.

Buckets (inclusive CPU of these functions; "framework" is the rest of Django's ``get_response``, and "test client"
what the test client adds around it, which a WSGI server replaces with its own request parsing):

- auth/routing: the token-failure check, DRF's ``initial`` (authentication, project role, rate limit, content
  negotiation) and ``RoutingCache.resolve``;
- validation: ``validation.rows_from_payload`` and ``validation.check_rows``;
- model: ``inference.run_model``;
- log write: ``inference._log`` (building the rows and ``prediction_log.write_log``);
- other inference: the rest of ``inference.predict`` (choosing the variant, the model cache, shaping the answer).

The database named by ``--database-url`` is dropped, created and migrated: give it a scratch name.

Usage::

    uv run python bench/profile_predict.py --database-url postgres://postgres@127.0.0.1:5432/keel_profile \
        --redis-url redis://127.0.0.1:6379/2 --requests 2000
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BUCKETS: dict[str, list[tuple[str, str]]] = {  # bucket -> (file suffix, function name)
    "auth/routing": [
        ("core/throttling.py", "wait"),
        ("rest_framework/views.py", "initial"),
        ("serving/runtime.py", "resolve"),
    ],
    "validation": [("serving/validation.py", "rows_from_payload"), ("serving/validation.py", "check_rows")],
    "model": [("serving/inference.py", "run_model")],
    "log write": [("serving/inference.py", "_log")],
}
INFERENCE = ("serving/inference.py", "predict")


def scratch_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def configure(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="keel-profile-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": args.database_url,
            "REDIS_URL": args.redis_url,
            "CELERY_BROKER_URL": args.redis_url,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
            "KEEL_AUDIT_SIGNING_KEY": secrets.token_urlsafe(48),
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "KEEL_DATA_DIR": str(work),
            "ARTIFACT_ROOT": str(work / "artifacts"),
            "KEEL_THROTTLE_PREDICT": "100000000/min",
            "KEEL_LOG_LEVEL": "WARNING",
            "KEEL_CACHE_PREFIX": f"keelprofile{os.getpid()}",  # a fresh namespace: nothing left from an earlier run
        }
    )


def cancer_frame() -> Any:
    from sklearn.datasets import load_breast_cancer

    frame = load_breast_cancer(as_frame=True).frame
    frame.columns = [str(c).replace(" ", "_") for c in frame.columns]
    return frame


def fit(frame: Any, c: float) -> Any:
    """Keel's own trainer: a logistic regression pipeline (imputation, scaling) on every feature."""
    from training.trainers.spec import validate_spec
    from training.trainers.train import train

    columns = {name: "numeric" for name in frame.columns} | {"target": "integer"}
    roles = {name: "feature" for name in frame.columns} | {"target": "target"}
    raw = {"target": "target", "estimator": "logistic_regression", "params": {"C": c}, "cv_folds": 3, "n_jobs": 1}
    spec, errors = validate_spec(
        raw,
        task_type="classification",
        columns=columns,
        roles=roles,
        n_rows=len(frame),
        class_counts=frame["target"].value_counts().to_dict(),
    )
    assert not errors, errors
    return train(frame, spec, task_type="classification")


def prepare() -> tuple[str, dict[str, Any]]:
    """A project, a Keel-trained logistic regression on the 30 breast-cancer features, approved and deployed; the
    URL to predict on and the first row."""
    import django

    django.setup()
    from django.core.management import call_command

    from core import services as core_services
    from core.models import User
    from core.storage import blob_put_bytes
    from registry.model_io import save_pipeline
    from registry.models import ModelVersion
    from registry.services.models import model_version_create, registered_model_get_or_create
    from serving import services

    call_command("migrate", verbosity=0)
    frame = cancer_frame()
    owner = User.objects.create_user(username="profile-owner", password=secrets.token_urlsafe(24))
    project = core_services.project_create(user=owner, slug="profile", name="Profile", require_human_approval=False)
    predictor = core_services.service_account_create(project=project, actor=owner, name="profile")
    model = registered_model_get_or_create(project=project, user=owner, name="cancer")
    result = fit(frame, 1.0)
    blob = blob_put_bytes(save_pipeline(result.pipeline))
    version = model_version_create(
        registered_model=model,
        user=owner,
        source="run",
        artifact_sha256=blob.sha256,
        artifact_size=blob.size,
        signature=result.signature,
        input_example=result.input_example,
        metrics=result.holdout_metrics,
    )
    ModelVersion.objects.filter(pk=version.pk).update(approval="approved")
    version.refresh_from_db()
    services.deployment_create(project=project, user=owner, name="api", version=version)
    row = {k: float(v) for k, v in frame.drop(columns=["target"]).iloc[0].items()}
    os.environ["KEEL_PROFILE_TOKEN"] = predictor.secret
    return f"/api/v1/projects/{project.slug}/deployments/api/predict/", row


def run(url: str, body: bytes, n: int) -> None:
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {os.environ['KEEL_PROFILE_TOKEN']}")
    for _ in range(n):
        response = client.post(url, body, content_type="application/json")
        if response.status_code != 200:
            raise SystemExit(f"predict answered {response.status_code}: {response.content[:500]!r}")


def inclusive(stats: pstats.Stats, file_suffix: str, function: str) -> float:
    """Inclusive seconds of every function named ``function`` defined in a file ending with ``file_suffix``."""
    total = 0.0
    for (filename, _, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if name == function and filename.endswith(file_suffix):
            total += cumulative
    return total


def split(stats: pstats.Stats) -> dict[str, float]:
    """Seconds per bucket: "framework" is the rest of Django's ``get_response`` (what a WSGI server calls), "test
    client" what the test client adds around it (building the request, its signal handlers)."""
    shares = {bucket: sum(inclusive(stats, *entry) for entry in entries) for bucket, entries in BUCKETS.items()}
    inside = inclusive(stats, *INFERENCE)
    shares["other inference"] = max(0.0, inside - shares["validation"] - shares["model"] - shares["log write"])
    handler = inclusive(stats, "django/core/handlers/base.py", "get_response")
    total = stats.total_tt  # type: ignore[attr-defined]
    framework = max(0.0, handler - sum(shares.values()))
    return {"framework": framework, **shares, "test client": max(0.0, total - handler), "total": total}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a scratch Postgres database: dropped and re-created")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--pstats", help="also write the profile here (for snakeviz, pstats)")
    parser.add_argument("--top", type=int, default=0, help="print the top N functions by own time")
    parser.add_argument("--rows", type=int, default=1, help="rows per request (the batch case: 100)")
    args = parser.parse_args()

    scratch_database(args.database_url)
    configure(args)
    url, row = prepare()
    rows = cancer_frame().drop(columns=["target"]).head(args.rows).to_dict("records") if args.rows > 1 else [row]
    body = json.dumps({"inputs": rows}).encode()
    run(url, body, args.warmup)

    started = time.process_time()
    run(url, body, args.requests)
    cpu_ms = (time.process_time() - started) * 1000 / args.requests

    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    run(url, body, args.requests)
    profiler.disable()
    stats = pstats.Stats(profiler)
    if args.pstats:
        stats.dump_stats(args.pstats)
    seconds = split(stats)
    scale = cpu_ms / (seconds["total"] * 1000 / args.requests)
    print(f"{args.requests} warm predicts of {len(rows)} row(s); CPU per request without the profiler: {cpu_ms:.3f} ms")
    print("| part | CPU ms/request | share |\n|---|---:|---:|")
    for bucket, value in seconds.items():
        per_request = value * 1000 / args.requests * scale
        print(f"| {bucket} | {per_request:.3f} | {value / seconds['total']:.0%} |")
    if args.top:
        stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
