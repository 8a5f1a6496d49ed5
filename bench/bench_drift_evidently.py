"""Drift side by side: Keel's drift report on logged predictions in Postgres against Evidently's DataDriftPreset.

Same data on both sides: a 50,000-row reference and a current window of N rows of numeric features (feature i
~ Normal(i, 1 + i/10); the current window shifts the features by 0, 0.05, 0.2 and 0.5 reference std in turn, so
some clearly drift, some clearly do not and some sit near the 0.1 threshold). Both are saved as Parquet.

- Keel: a scratch database (``keel_bench_drift``, recreated and migrated, dropped at the end); a model version
  trained with Keel's trainer on a sample of the reference, whose training-data profile is the reference;
  a deployment; N prediction-log rows inserted with COPY inside one window; then the report is computed through
  ``monitoring.services.drift.drift_report_create`` (what the scheduled ``monitoring.drift_report`` task calls)
  in a fresh child process: wall time of that call, peak RSS of the process.
- Evidently: its pinned version (``bench/requirements-evidently.txt``; it needs pandas < 3, so it lives in a venv
  of its own created with uv in the user cache, ``ensure_evidently_venv``) runs in a child process that loads the two
  Parquet files first, warms up on 1,000 rows, and then times only ``Report([DataDriftPreset()]).run(...)``;
  peak RSS of that process.

Cases: N = 10k, 100k, 1M with 30 features, and 10/30/60 features at 100k. For each case the table shows both
times, their ratio, both peak RSS figures and the share of features whose drift verdicts agree.

Usage: uv run python bench/bench_drift_evidently.py [--sizes 10000 100000 1000000] [--features 10 30 60]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "bench" / "requirements-evidently.txt"
REFERENCE_ROWS = 50_000
SHIFTS = (0.0, 0.05, 0.2, 0.5)
WINDOW_MINUTES = 60


def _rss_mb() -> float:
    """Peak RSS of this process in MB: VmHWM (reset by exec, unlike ru_maxrss, which a child started from a large
    parent inherits), or ru_maxrss where /proc is missing."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the Evidently child (runs in bench/.venv-evidently: stdlib, pandas and evidently only) ---------------------


def evidently_child(reference_path: str, current_path: str) -> dict[str, Any]:
    import pandas as pd
    from evidently import Report
    from evidently.presets import DataDriftPreset

    reference, current = pd.read_parquet(reference_path), pd.read_parquet(current_path)
    # warm-up on 1,000 rows (not timed): Evidently imports and registers much of itself on the first run
    Report([DataDriftPreset()]).run(current_data=current.head(1000), reference_data=reference.head(1000))
    loaded = _rss_mb()
    started = time.perf_counter()
    snapshot = Report([DataDriftPreset()]).run(current_data=current, reference_data=reference)
    seconds = time.perf_counter() - started
    verdicts = {}
    for metric in snapshot.dict()["metrics"]:
        config = metric["config"]
        if config.get("type", "").endswith("ValueDrift"):
            method, value, threshold = config.get("method", ""), metric["value"], config["threshold"]
            verdicts[config["column"]] = bool(value < threshold if "p_value" in method else value >= threshold)
    return {"seconds": seconds, "rss_loaded_mb": loaded, "peak_rss_mb": _rss_mb(), "drifted": verdicts}


EVIDENTLY_METHODS = {"K-S": "ks", "chi-square": "chisquare", "Z-test": "z", "Wasserstein": "wasserstein"}
EVIDENTLY_METHODS |= {"Jensen-Shannon": "jensenshannon", "PSI": "psi", "Hellinger": "hellinger"}
INCLUSIVE_P = {"ks"}  # Evidently's KS drifts at p <= threshold, chi-square and Z at p < threshold


def _evidently_method(name: str) -> str:
    return next((ours for prefix, ours in EVIDENTLY_METHODS.items() if name.startswith(prefix)), name)


def agreement_child(cases_file: str) -> dict[str, Any]:
    """Evidently's column verdicts for every case of a cases file (JSON list of {"id", "reference", "current",
    "numerical", "categorical", "answer"}: two Parquet paths, the column types and where to write the case's answer
    as soon as it is known); a column Evidently refuses as empty is reported without a verdict, with its error."""
    import pandas as pd
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    out: dict[str, Any] = {}
    for case in json.loads(Path(cases_file).read_text()):
        frames = pd.read_parquet(case["reference"]), pd.read_parquet(case["current"])
        numerical, categorical = list(case["numerical"]), list(case["categorical"])
        empty: dict[str, Any] = {}
        while True:  # Evidently refuses a whole report over one empty column: leave such columns out, unjudged
            definition = DataDefinition(numerical_columns=numerical, categorical_columns=categorical)
            reference, current = (
                Dataset.from_pandas(f.drop(columns=list(empty)), data_definition=definition) for f in frames
            )
            try:
                snapshot = Report([DataDriftPreset()]).run(current_data=current, reference_data=reference)
                break
            except ValueError as exc:
                match = re.search(r"empty column '([^']+)'", str(exc))
                if match is None:
                    raise
                name = match.group(1)
                empty[name] = {"method": "-", "value": None, "drifted": None, "error": str(exc)[:200]}
                numerical, categorical = [n for n in numerical if n != name], [n for n in categorical if n != name]
        columns = {}
        for metric in snapshot.dict()["metrics"]:
            config = metric["config"]
            if not config.get("type", "").endswith("ValueDrift"):
                continue
            method, value, threshold = _evidently_method(config.get("method", "")), metric["value"], config["threshold"]
            if value is None or value != value:  # NaN: not computed
                columns[config["column"]] = {"method": method, "value": None, "drifted": None}
                continue
            value = float(value)
            if method in ("ks", "chisquare", "z"):
                drifted = value <= threshold if method in INCLUSIVE_P else value < threshold
            else:
                drifted = value >= threshold
            columns[config["column"]] = {
                "method": method,
                "value": value,
                "threshold": threshold,
                "drifted": bool(drifted),
            }
        out[case["id"]] = {"columns": {**columns, **empty}}
        if case.get("answer"):
            Path(case["answer"]).write_text(json.dumps(out[case["id"]]))
    return out


# --- the Keel child (Keel's environment, the scratch database) ---------------------------------------------------


def keel_child(deployment_id: int, window_start: str, window_end: str) -> dict[str, Any]:
    import django

    django.setup()
    from django.utils.dateparse import parse_datetime

    from monitoring.services.drift import compute, drift_report_create
    from serving.models import Deployment

    deployment = Deployment.objects.select_related("project").get(pk=deployment_id)
    start, end = parse_datetime(window_start), parse_datetime(window_end)
    assert start is not None and end is not None
    compute(deployment=deployment, window_start=start - (end - start), window_end=start)  # warm-up: empty window
    baseline = _rss_mb()
    started = time.perf_counter()
    report, created = drift_report_create(deployment=deployment, window_start=start, window_end=end)
    seconds = time.perf_counter() - started
    assert created, "the window already had a report"
    columns = report.result.get("columns", [])
    return {
        "seconds": seconds,
        "rss_before_mb": baseline,
        "peak_rss_mb": _rss_mb(),
        "status": report.status,
        "n_rows": report.n_rows,
        "detail": report.detail,
        "drifted": {c["name"]: bool(c["drifted"]) for c in columns},
    }


def rollup_child(now: str) -> dict[str, Any]:
    """Roll up the logged minutes as the scheduled ``monitoring.compute_rollups`` task does while predictions
    arrive (in production this cost is spread over the window, a minute at a time)."""
    import django

    django.setup()
    from django.utils.dateparse import parse_datetime

    from monitoring.services.rollups import rollups_compute

    at = parse_datetime(now)
    assert at is not None
    baseline = _rss_mb()
    started = time.perf_counter()
    done = rollups_compute(now=at)
    return {"seconds": time.perf_counter() - started, "rss_before_mb": baseline, "peak_rss_mb": _rss_mb(), **done}


# --- the parent ----------------------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--features", type=int, nargs="+", default=[10, 30, 60], help="feature counts at 100k")
    parser.add_argument("--db-url", default="postgres://postgres@127.0.0.1:5432/keel_bench_drift")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/10")
    parser.add_argument("--work-dir", default="/tmp/keel-bench-drift")
    parser.add_argument("--skip-evidently", action="store_true")
    parser.add_argument("--out", default="", help="write all figures as JSON here too")
    parser.add_argument("--keel-child", nargs=3, metavar=("DEPLOYMENT", "START", "END"), help=argparse.SUPPRESS)
    parser.add_argument("--rollup-child", nargs=1, metavar="NOW", help=argparse.SUPPRESS)
    parser.add_argument(
        "--current-side",
        choices=["rollups", "rows", "both"],
        default="rollups",
        help="where Keel's report reads the current window: per-minute rollups (production), raw rows, or both",
    )
    parser.add_argument("--evidently-child", nargs=2, metavar=("REFERENCE", "CURRENT"), help=argparse.SUPPRESS)
    parser.add_argument("--agreement-child", metavar="CASES", help=argparse.SUPPRESS)
    return parser.parse_args()


def evidently_venv_dir() -> Path:
    """Where the pinned Evidently environment lives: the user cache, one directory per requirements file content."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:12]
    return cache / "keel" / f"evidently-{digest}"


def ensure_evidently_venv() -> Path:
    """The Evidently environment's python, created with ``uv venv`` + ``uv pip install -r`` the first time (in a
    temporary directory renamed when complete, so an interrupted install is never reused)."""
    venv = evidently_venv_dir()
    python = venv / "bin" / "python"
    if python.exists():
        return python
    building = venv.with_name(f"{venv.name}.{os.getpid()}.tmp")
    subprocess.run(["uv", "venv", "--quiet", "--python", "3.11", str(building)], check=True)
    env = {**os.environ, "VIRTUAL_ENV": str(building)}
    subprocess.run(["uv", "pip", "install", "--quiet", "-r", str(REQUIREMENTS)], check=True, env=env)
    try:
        building.rename(venv)
    except OSError:  # another process finished first: use its environment
        subprocess.run(["rm", "-rf", str(building)], check=False)
    return python


def keel_env(args: argparse.Namespace) -> dict[str, str]:
    work = Path(args.work_dir)
    return {
        **os.environ,
        "DATABASE_URL": args.db_url,
        "REDIS_URL": args.redis_url,
        "CELERY_BROKER_URL": args.redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "KEEL_AUDIT_SIGNING_KEY": secrets.token_urlsafe(48),
        "KEEL_DATA_DIR": str(work / "data"),
        "ARTIFACT_ROOT": str(work / "artifacts"),
        "KEEL_LOG_LEVEL": "WARNING",
        "KEEL_CACHE_PREFIX": "keelbenchdrift",
    }


def _admin_execute(db_url: str, statement: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(db_url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(statement)


def frames(rows: int, n_features: int) -> tuple[Any, Any]:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(rows + n_features)
    reference, current = {}, {}
    for i in range(n_features):
        loc, scale = float(i), 1.0 + i / 10
        reference[f"f{i}"] = rng.normal(loc, scale, REFERENCE_ROWS)
        current[f"f{i}"] = rng.normal(loc + SHIFTS[i % len(SHIFTS)] * scale, scale, rows)
    return pd.DataFrame(reference), pd.DataFrame(current)


class KeelSide:
    """Project, one trained model version and deployment per feature count, and the COPY of log rows."""

    def __init__(self) -> None:
        from core import services as core_services
        from core.models import User

        self.owner = User.objects.create_user(username="bench-owner", password=secrets.token_urlsafe(24))
        self.project = core_services.project_create(
            user=self.owner, slug="bench", name="Bench", require_human_approval=False
        )
        self.deployments: dict[int, Any] = {}

    def deployment(self, reference: Any) -> Any:
        n_features = reference.shape[1]
        if n_features not in self.deployments:
            self.deployments[n_features] = self._deploy(reference)
        return self.deployments[n_features]

    def _deploy(self, reference: Any) -> Any:
        from core.storage import blob_put_bytes
        from registry.model_io import save_pipeline
        from registry.models import ModelVersion
        from registry.services.models import model_version_create, registered_model_get_or_create
        from registry.tabular import infer_schema, profile_frame
        from serving.services import deployment_create
        from training.trainers.spec import validate_spec
        from training.trainers.train import train

        labelled = reference.assign(target=(reference["f0"] > reference["f0"].median()).astype(int))
        sample = labelled.sample(2000, random_state=0)
        columns = {name: "numeric" for name in reference.columns} | {"target": "integer"}
        roles = {name: "feature" for name in reference.columns} | {"target": "target"}
        raw = {"target": "target", "estimator": "logistic_regression", "cv_folds": 2, "n_jobs": 1}
        counts = sample["target"].value_counts().to_dict()
        spec, errors = validate_spec(
            raw, task_type="classification", columns=columns, roles=roles, n_rows=len(sample), class_counts=counts
        )
        assert not errors, errors
        result = train(sample, spec, task_type="classification")
        profile = profile_frame(labelled, infer_schema(labelled))
        model_blob = blob_put_bytes(save_pipeline(result.pipeline))
        profile_blob = blob_put_bytes(json.dumps(profile).encode())
        name = f"m{reference.shape[1]}"
        model = registered_model_get_or_create(project=self.project, user=self.owner, name=name)
        version = model_version_create(
            registered_model=model,
            user=self.owner,
            source="run",
            artifact_sha256=model_blob.sha256,
            artifact_size=model_blob.size,
            signature=result.signature,
            input_example=result.input_example,
            metrics=result.holdout_metrics,
            reference_profile_sha256=profile_blob.sha256,
        )
        ModelVersion.objects.filter(pk=version.pk).update(approval="approved")
        version.refresh_from_db()
        return deployment_create(project=self.project, user=self.owner, name=f"d{name}", version=version)

    def log(self, deployment: Any, current: Any, at: Any) -> float:
        """COPY ``current`` into the prediction log (one window); returns the seconds it took."""
        from django.db import connection

        from serving.models import PredictionLog

        version_id = deployment.current_revision.variants.get().model_version_id
        names = list(current.columns)
        template = "{" + ", ".join(f'"{n}": %.17g' for n in names) + "}"
        predictions = (current["f0"].to_numpy() > current["f0"].median()).astype(int)
        stamp = at.isoformat()
        fixed = f"{deployment.project_id}\t{deployment.pk}\t1\tprimary\t{version_id}\t\t\t"
        columns = (
            "created_at, prediction_id, request_id, project_id, deployment_id, revision_number, variant, "
            "model_version_id, caller, routing_key, inputs, outputs, latency_ms, is_error, error, shadow, flags"
        )
        started = time.perf_counter()
        values = current.to_numpy()
        connection.ensure_connection()
        raw = connection.connection
        assert raw is not None
        with raw.cursor() as cursor, cursor.copy(f"COPY {PredictionLog._meta.db_table} ({columns}) FROM STDIN") as copy:
            chunk: list[str] = []
            for i, row in enumerate(values):
                uid = secrets.token_hex(16)
                inputs = template % tuple(row)
                chunk.append(
                    f'{stamp}\t{uid}\tr{i}\t{fixed}{inputs}\t{{"prediction": {predictions[i]}}}\t1.0\tf\t\tf\t[]\n'
                )
                if len(chunk) == 20_000:
                    copy.write("".join(chunk))
                    chunk = []
            if chunk:
                copy.write("".join(chunk))
        return time.perf_counter() - started

    def forget_reports(self) -> None:
        from monitoring.models import DriftReport

        DriftReport.objects.all().delete()

    def clear(self) -> None:
        from django.db import connection

        from serving.models import PredictionLog, PredictionRollup, PredictionTotal, RollupWatermark

        self.forget_reports()
        PredictionTotal.objects.all().delete()
        PredictionRollup.objects.all().delete()
        RollupWatermark.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {PredictionLog._meta.db_table}")


def _child(command: list[str], env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def agreement(keel: dict[str, bool], evidently: dict[str, bool]) -> tuple[int, int]:
    common = sorted(set(keel) & set(evidently))
    return sum(keel[name] == evidently[name] for name in common), len(common)


def run_case(
    side: KeelSide, rows: int, n_features: int, args: argparse.Namespace, env: dict[str, str], python: Path | None
) -> dict[str, Any]:
    from datetime import timedelta

    from django.utils import timezone

    work = Path(args.work_dir)
    reference, current = frames(rows, n_features)
    ref_path, cur_path = work / f"reference-{n_features}.parquet", work / f"current-{rows}-{n_features}.parquet"
    reference.to_parquet(ref_path)
    current.to_parquet(cur_path)
    deployment = side.deployment(reference)
    end = timezone.now().replace(second=0, microsecond=0)  # rollups cover whole minutes
    start = end - timedelta(minutes=WINDOW_MINUTES)
    copy_seconds = side.log(deployment, current, end - timedelta(minutes=WINDOW_MINUTES / 2))
    script = [str(Path(__file__).resolve())]
    report = [sys.executable, *script, "--keel-child", str(deployment.pk), start.isoformat(), end.isoformat()]
    case: dict[str, Any] = {"rows": rows, "features": n_features, "copy_seconds": copy_seconds}
    if args.current_side in ("rows", "both"):
        case["keel_rows"] = _child(report, env)
        side.forget_reports()
    if args.current_side in ("rollups", "both"):
        lag = timedelta(seconds=float(env.get("KEEL_ROLLUP_LAG_SECONDS", "60")) + 1)
        case["rollup"] = _child([sys.executable, *script, "--rollup-child", (end + lag).isoformat()], env)
        case["keel_rollups"] = _child(report, env)
    keel = case["keel"] = case.get("keel_rollups") or case["keel_rows"]
    side.clear()
    if python is not None:
        evidently = _child([str(python), *script, "--evidently-child", str(ref_path), str(cur_path)], dict(os.environ))
        agree, total = agreement(keel["drifted"], evidently["drifted"])
        case |= {"evidently": evidently, "agree": agree, "compared": total}
    cur_path.unlink()
    return case


def print_table(cases: list[dict[str, Any]]) -> None:
    header = (
        f"{'rows':>9} {'feat':>4} | {'keel s':>8} {'keel MB':>8} | {'evid s':>8} {'evid MB':>8} | "
        f"{'keel/evid':>9} | {'agree':>7} | {'rollup s':>8} {'raw-row s':>9} | keel drifted / evid drifted"
    )
    print(header)
    print("-" * len(header))
    for case in cases:
        keel, evidently = case["keel"], case.get("evidently")
        k_drift = sum(keel["drifted"].values())
        line = f"{case['rows']:>9} {case['features']:>4} | {keel['seconds']:>8.2f} {keel['peak_rss_mb']:>8.0f} | "
        rollup = f"{case['rollup']['seconds']:>8.2f}" if "rollup" in case else f"{'-':>8}"
        raw = f"{case['keel_rows']['seconds']:>9.2f}" if "keel_rows" in case else f"{'-':>9}"
        if evidently:
            ratio = keel["seconds"] / evidently["seconds"]
            e_drift = sum(evidently["drifted"].values())
            line += (
                f"{evidently['seconds']:>8.2f} {evidently['peak_rss_mb']:>8.0f} | {ratio:>9.2f} | "
                f"{case['agree']:>3}/{case['compared']:<3} | {rollup} {raw} | {k_drift} / {e_drift}"
            )
        else:
            line += f"{'-':>8} {'-':>8} | {'-':>9} | {'-':>7} | {rollup} {raw} | {k_drift} / -"
        print(line, flush=True)
    print(
        "keel s: the report (what the scheduled task does at the end of a window); rollup s: the per-minute rollups "
        "of the same rows, which the rollup task computes while the window's predictions arrive"
    )


def main() -> None:
    args = parse_args()
    if args.evidently_child:
        print(json.dumps(evidently_child(*args.evidently_child)))
        return
    if args.agreement_child:
        print(json.dumps(agreement_child(args.agreement_child)))
        return
    sys.path.insert(0, str(ROOT))
    if args.rollup_child:
        print(json.dumps(rollup_child(args.rollup_child[0])))
        return
    if args.keel_child:
        deployment_id, start, end = args.keel_child
        print(json.dumps(keel_child(int(deployment_id), start, end)))
        return
    work = Path(args.work_dir)
    work.mkdir(parents=True, exist_ok=True)
    python = None if args.skip_evidently else ensure_evidently_venv()
    env = keel_env(args)
    os.environ.update(env)
    name = urlsplit(args.db_url).path.lstrip("/")
    print(f"database {name}: recreate and migrate", flush=True)
    _admin_execute(args.db_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _admin_execute(args.db_url, f"CREATE DATABASE {name}")
    cases: list[dict[str, Any]] = []
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        import django

        django.setup()
        side = KeelSide()
        plan = [(rows, 30) for rows in args.sizes] + [(100_000, f) for f in args.features if f != 30]
        for rows, n_features in plan:
            print(f"case: {rows} rows x {n_features} features", flush=True)
            cases.append(run_case(side, rows, n_features, args, env, python))
        from django.db import connections

        connections.close_all()
    finally:
        _admin_execute(args.db_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    print(f"\nreference {REFERENCE_ROWS} rows; times are the report computation only; MB = peak RSS of the process")
    print_table(sorted(cases, key=lambda c: (c["features"] != 30, c["rows"], c["features"])))
    if args.out:
        Path(args.out).write_text(json.dumps(cases, indent=2, default=str))


if __name__ == "__main__":
    main()
