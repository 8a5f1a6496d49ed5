"""Benchmark: Keel's predict endpoint against ``mlflow models serve`` on the same fitted pipeline.

Both servers run on this machine with the same number of worker processes and are driven by the same load
generator (wrk with ``bench/serving/post.lua``) with the same connections, threads and duration:

- Keel: gunicorn (``config.wsgi``), Postgres for the per-prediction audit log (a scratch database, dropped and
  migrated at the start), Redis for the cache that carries routing stamps and rate-limit counters; a logistic
  regression pipeline on the 30 breast-cancer features trained with Keel's trainer, registered, approved and
  deployed through Keel's services; single-row requests with a service-account bearer token.
- Baseline: ``mlflow models serve --env-manager local -w N`` on the same fitted pipeline saved with
  ``mlflow.sklearn.save_model``, the same row in MLflow's ``dataframe_split`` format.

Also measured: one connection (unloaded latency), Keel on batches of 100 rows, a bare in-process
``pipeline.predict`` on one row (timeit), Keel's in-process ``inference.predict`` (route, validate, predict, log),
and how long a rollback takes to reach every gunicorn worker (a separate server with an access log that names the
worker of each request). ``--profile N`` samples both Keel workers with py-spy for N seconds under load.

Run by hand (only loopback addresses are used)::

    uv run python bench/bench_serving.py                      # 30 s per run, 16 connections, 2 workers
    uv run python bench/bench_serving.py --duration 10 --worker-class sync --profile 15 --py-spy /tmp/pyspy/bin/py-spy
    # the audit log's cost, Postgres on a CPU of its own (as a database server in production):
    uv run python bench/bench_serving.py --only-log-overhead --log-overhead 4 --duration 15 --balance \
        --worker-class gthread:8 --skip-mlflow --server-cpus 0 --wrk-cpus 1 --postgres-cpus 1
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import timeit
import urllib.error
import urllib.request
import uuid
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
LUA = ROOT / "bench" / "serving" / "post.lua"
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds per measured wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (both servers)")
    parser.add_argument(
        "--worker-class",
        default="auto",
        help="Keel's gunicorn worker: sync, gthread:N (N threads), or auto (try sync, gthread:4, gthread:8 for "
        "--trial seconds each and keep the fastest)",
    )
    parser.add_argument("--trial", type=int, default=10, help="seconds per worker-class trial (auto)")
    parser.add_argument(
        "--balance",
        action="store_true",
        help="gthread: each Keel worker takes at most connections/workers keep-alive connections (gunicorn "
        "--worker-connections), so wrk's connections split evenly instead of by an accept race once per run",
    )
    parser.add_argument("--rounds", type=int, default=1, help="alternating Keel/MLflow rounds; medians reported")
    parser.add_argument("--batch", type=int, default=100, help="rows per request in Keel's batch run")
    parser.add_argument("--switches", type=int, default=3, help="rollbacks timed (each after a deploy)")
    parser.add_argument("--db-url", default="postgres://postgres@127.0.0.1:5432/keel_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--throttle", default="1000000/s", help="KEEL_THROTTLE_USER for the run")
    parser.add_argument("--work-dir", default="/tmp/keel-bench")
    parser.add_argument("--skip-mlflow", action="store_true")
    parser.add_argument(
        "--log-overhead", type=int, default=0, help="alternating rounds of Keel with and without the audit-log write"
    )
    parser.add_argument(
        "--only-log-overhead",
        action="store_true",
        help="measure the audit-log cost alone (needs --log-overhead N and --worker-class other than auto)",
    )
    parser.add_argument("--profile", type=int, default=0, help="py-spy seconds per Keel worker (0: no profile)")
    parser.add_argument("--py-spy", default="py-spy", help="the py-spy executable")
    parser.add_argument(
        "--profile-worker-class", default="sync", help="one thread per worker keeps the wall-time profile readable"
    )
    parser.add_argument(
        "--server-cpus", default="", help="CPUs both servers run on (taskset list, say 0 or 0-3); default: any"
    )
    parser.add_argument("--wrk-cpus", default="", help="CPUs the load generator runs on; default: any")
    parser.add_argument(
        "--postgres-cpus",
        default="",
        help="CPUs for the machine's whole PostgreSQL server during the run (every postgres process, and the "
        "backends it starts meanwhile); restored at the end. With --server-cpus on other CPUs it stands for a "
        "database on its own machine",
    )
    parser.add_argument("--out", default="", help="write all figures as JSON here too")
    args = parser.parse_args()
    if args.only_log_overhead and (not args.log_overhead or args.worker_class == "auto"):
        parser.error("--only-log-overhead needs --log-overhead N and an explicit --worker-class")
    for option in ("server_cpus", "wrk_cpus", "postgres_cpus"):
        try:
            cpu_list(getattr(args, option))
        except ValueError as exc:
            parser.error(f"--{option.replace('_', '-')}: {exc}")
    for url in (args.db_url, args.redis_url):
        if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
            parser.error(f"{url}: only loopback services")
    return args


# --- processes ----------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PLACEMENT = {"server": "", "wrk": ""}  # taskset CPU lists from --server-cpus and --wrk-cpus ("": any CPU)


def cpu_list(spec: str) -> set[int]:
    """The CPUs a taskset-style list names ("0", "0,2", "0-3"); empty for ""."""
    cpus: set[int] = set()
    for part in filter(None, spec.split(",")):
        low, _, high = part.partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            raise ValueError(f"{spec!r} is not a CPU list such as 0 or 0-3")
        cpus.update(range(int(low), int(high or low) + 1))
    if cpus - os.sched_getaffinity(0):
        raise ValueError(f"CPUs {sorted(cpus - os.sched_getaffinity(0))} are not available here")
    return cpus


def placed(cmd: list[str], role: str) -> list[str]:
    """``cmd`` run on the CPUs given for ``role`` (taskset execs it: the process keeps its pid)."""
    return ["taskset", "-c", PLACEMENT[role], *cmd] if PLACEMENT[role] else cmd


def postgres_processes() -> list[int]:
    """Every PostgreSQL server process on the machine (postmaster, backends, background workers)."""
    pids = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "postgres":
                pids.append(int(comm.parent.name))
        except OSError:
            continue
    return pids


class PostgresPlacement:
    """Pins the PostgreSQL server to some CPUs for the run (backends it forks meanwhile inherit it) and gives every
    postgres process the CPUs the server had before when it ends."""

    def __init__(self, spec: str) -> None:
        self.cpus = cpu_list(spec)
        self.before: set[int] = set()

    def __enter__(self) -> PostgresPlacement:
        if self.cpus:
            pids = postgres_processes()
            if not pids:
                raise SystemExit("--postgres-cpus: no postgres process found on this machine")
            self.before = os.sched_getaffinity(pids[0])
            self._set(self.cpus)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.cpus:
            self._set(self.before)

    @staticmethod
    def _set(cpus: set[int]) -> None:
        for pid in postgres_processes():
            try:
                os.sched_setaffinity(pid, cpus)
            except ProcessLookupError:  # ended meanwhile
                continue


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds each live process has used so far."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return used


def descendants(root: int) -> list[int]:
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True).stdout
    children: dict[int, list[int]] = {}
    for line in out.splitlines():
        pid, ppid = map(int, line.split())
        children.setdefault(ppid, []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def postgres_backends(conn: Any) -> list[int]:
    """The server processes of every other connection to the benchmark database."""
    rows = conn.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    ).fetchall()
    return [row[0] for row in rows]


class CpuMeter:
    """CPU used by a server's process tree (and, for Keel, by its Postgres backends) across a load run.

    Polled every half second, because Django reopens its database connections (CONN_MAX_AGE), so backends come and
    go during a run: a backend first seen mid-run counts from zero, and one that ends counts up to its last poll.
    """

    def __init__(self, server: Server, db_url: str = "") -> None:
        import psycopg

        self.server = server
        self._db = psycopg.connect(db_url, autocommit=True) if db_url else None
        self._stop = threading.Event()

    def _groups(self) -> dict[str, dict[int, float]]:
        assert self.server.proc is not None
        groups = {"server": cpu_seconds(descendants(self.server.proc.pid))}
        if self._db is not None:
            groups["postgres"] = cpu_seconds(postgres_backends(self._db))
        return groups

    def _poll(self) -> None:
        while not self._stop.wait(0.5):
            for group, now in self._groups().items():
                self._last.setdefault(group, {}).update(now)

    def start(self) -> None:
        self._before = self._groups()
        self._last = {group: dict(pids) for group, pids in self._before.items()}
        self._stop.clear()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def ms_per_request(self, requests: int) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        for group, now in self._groups().items():
            self._last.setdefault(group, {}).update(now)
        if self._db is not None:
            self._db.close()
        used = {}
        for group, last in self._last.items():
            before = self._before.get(group, {})
            used[group] = sum(seconds - before.get(pid, 0.0) for pid, seconds in last.items())
        return {f"{group}_cpu_ms_per_request": round(1000 * s / max(1, requests), 3) for group, s in used.items()}


@dataclass
class Server:
    name: str
    cmd: list[str]
    env: dict[str, str]
    port: int
    ready_path: str
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> Server:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                self.cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(self.base + self.ready_path, timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.25)
        self.stop()
        raise TimeoutError(f"{self.name} did not get ready; see {self.log}")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def worker_pids(self) -> list[int]:
        """The worker processes (children of the master)."""
        assert self.proc is not None
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]


def keel_server(args: argparse.Namespace, env: dict[str, str], worker_class: str, access_log: Path | None) -> Server:
    kind, _, threads = worker_class.partition(":")
    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-w", str(args.workers)]
    cmd += ["-b", f"127.0.0.1:{port}", "-k", kind, "--threads", threads or "1", "--backlog", "512", "--timeout", "180"]
    if args.balance and kind == "gthread":
        cmd += ["--worker-connections", str(-(-args.connections // args.workers))]
    if access_log is not None:
        access_log.write_bytes(b"")
        cmd += ["--access-logfile", str(access_log), "--access-logformat", "%(p)s %({x-request-id}o)s %(s)s"]
    work = Path(args.work_dir)
    return Server(f"keel[{worker_class}]", placed(cmd, "server"), env, port, "/livez", work / "keel.log")


def mlflow_server(args: argparse.Namespace, model_dir: Path) -> Server:
    port = free_port()
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # mlflow starts `uvicorn`
    env["PYTHONPATH"] = str(ROOT)  # the pipeline may reference Keel's preprocessing functions
    env["MLFLOW_TRACKING_URI"] = f"file://{Path(args.work_dir) / 'mlruns'}"
    cmd = [str(Path(sys.executable).parent / "mlflow"), "models", "serve", "-m", str(model_dir)]
    cmd += ["--env-manager", "local", "-w", str(args.workers), "-p", str(port), "-h", "127.0.0.1"]
    return Server("mlflow", placed(cmd, "server"), env, port, "/ping", Path(args.work_dir) / "mlflow.log")


# --- the load generator -----------------------------------------------------------------------------------------


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    requests: int
    errors: dict[str, int]
    cpu: dict[str, float] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in self.__dict__.items()}


def wrk(
    url: str,
    body: Path,
    auth: str,
    duration: int,
    connections: int,
    threads: int,
    label: str = "",
    meter: CpuMeter | None = None,
) -> WrkResult:
    env = dict(os.environ, BENCH_BODY=str(body), BENCH_AUTH=auth)
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s"]
    if meter is not None:
        meter.start()
    out = subprocess.run(
        placed([*cmd, "-s", str(LUA), url], "wrk"),
        env=env,
        capture_output=True,
        text=True,
        timeout=duration + 120,
        check=True,
    )
    line = next(line for line in out.stdout.splitlines() if line.startswith("BENCH_JSON "))
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    errors = {k: raw[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")}
    result = WrkResult(
        rps=raw["requests"] / (raw["duration_us"] / 1e6),
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        mean_ms=raw["mean_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        requests=raw["requests"],
        errors={k: v for k, v in errors.items() if v},
    )
    if meter is not None:
        result.cpu = meter.ms_per_request(result.requests)
    if label:
        print(
            f"  {label:<34} {result.rps:8.1f} req/s  p50 {result.p50_ms:7.2f} ms  p99 {result.p99_ms:7.2f} ms"
            + "".join(f"  {k.removesuffix('_cpu_ms_per_request')} cpu {v:.2f} ms/req" for k, v in result.cpu.items())
            + (f"  errors {result.errors}" if result.errors else ""),
            flush=True,
        )
    return result


# --- setup: database, model, deployment ---------------------------------------------------------------------------


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or name in ("postgres", "template0", "template1"):
        raise SystemExit(f"refusing to recreate database {name!r}")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def keel_env(args: argparse.Namespace) -> dict[str, str]:
    work = Path(args.work_dir)
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": args.db_url,
            "REDIS_URL": args.redis_url,
            "CELERY_BROKER_URL": args.redis_url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
            "KEEL_AUDIT_SIGNING_KEY": secrets.token_urlsafe(48),
            "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain http on loopback
            "KEEL_DATA_DIR": str(work / "data"),
            "ARTIFACT_ROOT": str(work / "artifacts"),
            "KEEL_THROTTLE_USER": args.throttle,
            "KEEL_THROTTLE_PREDICT": args.throttle,
            "KEEL_LOG_LEVEL": "WARNING",
            "KEEL_CACHE_PREFIX": "keelbench",
        }
    )
    return env


@dataclass
class Setup:
    slug: str
    predictor_auth: str
    operator_auth: str
    pipeline: Any
    columns: list[str]
    rows: list[dict[str, float]]
    mlflow_dir: Path
    versions: dict[str, int] = field(default_factory=dict)


def cancer_frame() -> Any:
    from sklearn.datasets import load_breast_cancer

    frame = load_breast_cancer(as_frame=True).frame
    frame.columns = [str(c).replace(" ", "_") for c in frame.columns]
    return frame


def fit(frame: Any, c: float) -> Any:
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


def prepare(args: argparse.Namespace) -> Setup:
    """Users, project, two trained versions (approved), the deployment on v1, and v1 saved for MLflow."""
    import django

    django.setup()
    import mlflow.sklearn
    from django.core.cache import cache
    from mlflow.models import infer_signature

    from core import services as core_services
    from core.models import User
    from core.storage import blob_put_bytes
    from registry.model_io import save_pipeline
    from registry.models import ModelVersion
    from registry.services.approvals import model_version_auto_approve
    from registry.services.models import model_version_create, registered_model_get_or_create
    from serving import services

    cache.clear()
    frame = cancer_frame()
    owner = User.objects.create_user(username="bench-owner", password=secrets.token_urlsafe(24))
    project = core_services.project_create(user=owner, slug="bench", name="Bench", require_human_approval=False)
    operator = core_services.api_token_create(user=owner, name="bench-ops", default_project=project)
    predictor = core_services.service_account_create(project=project, actor=owner, name="bench")
    model = registered_model_get_or_create(project=project, user=owner, name="cancer")
    results, versions = {}, {}
    for label, c in (("v1", 1.0), ("v2", 0.05)):
        result = fit(frame, c)
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
        if not model_version_auto_approve(version=version, actor=owner, reason="benchmark"):
            ModelVersion.objects.filter(pk=version.pk).update(approval="approved")  # a check needs a human
            version.refresh_from_db()
        results[label], versions[label] = result, version.number
    v1 = ModelVersion.objects.get(registered_model=model, number=versions["v1"])
    services.deployment_create(project=project, user=owner, name="bench", version=v1)

    pipeline = results["v1"].pipeline
    features = frame.drop(columns=["target"])
    mlflow_dir = Path(args.work_dir) / "mlflow-model"
    signature = infer_signature(features, pipeline.predict(features))
    mlflow.sklearn.save_model(  # MLflow's default (skops) format; the dtype objects in the pipeline are safe
        pipeline, str(mlflow_dir), signature=signature, skops_trusted_types=["numpy.dtype"]
    )
    rows = [{k: float(v) for k, v in row.items()} for row in features.to_dict(orient="records")]
    return Setup(
        slug=project.slug,
        predictor_auth=f"Bearer {predictor.secret}",
        operator_auth=f"Bearer {operator.secret}",
        pipeline=pipeline,
        columns=list(features.columns),
        rows=rows,
        mlflow_dir=mlflow_dir,
        versions=versions,
    )


def write_bodies(setup: Setup, work: Path, batch: int) -> dict[str, Path]:
    bodies = {
        "keel_one": {"inputs": setup.rows[:1]},
        "keel_batch": {"inputs": setup.rows[:batch]},
        "mlflow_one": {
            "dataframe_split": {"columns": setup.columns, "data": [[setup.rows[0][c] for c in setup.columns]]}
        },
    }
    paths = {}
    for name, body in bodies.items():
        paths[name] = work / f"{name}.json"
        paths[name].write_text(json.dumps(body))
    return paths


def post(url: str, body: Any, auth: str = "", request_id: str = "") -> tuple[int, Any]:
    headers = {"Content-Type": "application/json", "Connection": "close"}
    if auth:
        headers["Authorization"] = auth
    if request_id:
        headers["X-Request-ID"] = request_id
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback http only
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


# --- in-process figures -------------------------------------------------------------------------------------------


def in_process(setup: Setup) -> dict[str, float]:
    """Microseconds per call: bare pipeline.predict on one row, predict + predict_proba (what Keel computes), the
    parts of Keel's hot path alone (validation, the one-row audit insert in Postgres) and Keel's whole
    inference.predict in this process (route, validate, predict, log)."""
    import numpy as np
    import pandas as pd

    from core.models import Project
    from serving import inference, runtime, validation

    frame = pd.DataFrame(setup.rows[:1], columns=setup.columns)
    object_frame = pd.DataFrame(setup.rows[:1], columns=pd.Index(setup.columns, dtype=object))
    pipeline = setup.pipeline

    def best(fn: Any, number: int) -> float:
        return min(timeit.repeat(fn, number=number, repeat=9)) / number * 1e6

    table = runtime.routes.resolve(Project.objects.get(slug=setup.slug).pk, "bench")
    call = inference.PredictRequest(
        payload={"inputs": setup.rows[:1]}, routing_key="", explain=False, caller="bench", request_id="bench"
    )
    inference.predict(table, call)  # loads the model
    variant = next(iter(table.variants.values()))
    signature = variant.version.signature
    checked = validation.check_rows(setup.rows[:1], signature, unknown_features="error", flag_out_of_range=True)
    loaded = runtime.models.get(variant.version)
    result = inference.run_model(loaded, setup.rows[:1], signature)
    what_if = {
        "keel_model_step_us": best(lambda: inference.run_model(loaded, setup.rows[:1], signature), 2000),
        "keel_model_step_compiled": float(loaded.onnx is not None),
        "pipeline_predict_proba_only_us": best(lambda: pipeline.predict_proba(frame), 300),
        "pipeline_predict_proba_object_column_index_us": best(lambda: pipeline.predict_proba(object_frame), 300),
    }
    transformers = pipeline[0].transformers_
    if len(transformers) == 1 and list(transformers[0][2]) == setup.columns:  # one numeric block, in order
        inner, model = transformers[0][1], pipeline[-1]
        row = np.array([[setup.rows[0][c] for c in setup.columns]])
        with warnings.catch_warnings():  # "X does not have valid feature names": expected, it is the point
            warnings.simplefilter("ignore", UserWarning)
            what_if["numpy_row_through_fitted_steps_us"] = best(lambda: model.predict_proba(inner.transform(row)), 1000)
    return what_if | {
        "validation_us": best(
            lambda: validation.check_rows(setup.rows[:1], signature, unknown_features="error", flag_out_of_range=True),
            2000,
        ),
        "audit_insert_us": best(lambda: inference._log(table, variant, checked, call, result, 1.0), 200),
        "pipeline_predict_us": best(lambda: pipeline.predict(frame), 500),
        "pipeline_predict_and_proba_us": best(lambda: (pipeline.predict(frame), pipeline.predict_proba(frame)), 300),
        "dataframe_from_row_us": best(lambda: pd.DataFrame(setup.rows[:1], columns=setup.columns), 1000),
        "keel_inference_predict_us": best(lambda: inference.predict(table, call), 200),
    }


def log_overhead(
    args: argparse.Namespace, env: dict[str, str], worker_class: str, check: Any, keel_run: Any
) -> dict[str, Any]:
    """Throughput with the prediction log written (Keel as shipped) against the same server with the write skipped
    (KEEL_BENCH_SKIP_PREDICTION_LOG), alternating rounds."""
    print(f"audit-log cost: {args.log_overhead} alternating rounds, logged vs not logged", flush=True)
    servers = {
        "logged": keel_server(args, env, worker_class, None).start(),
        "unlogged": keel_server(args, env | {"KEEL_BENCH_SKIP_PREDICTION_LOG": "true"}, worker_class, None).start(),
    }
    runs: dict[str, list[WrkResult]] = {"logged": [], "unlogged": []}
    try:
        for server in servers.values():
            check(server)
        for index in range(args.log_overhead):
            order = ["logged", "unlogged"] if index % 2 == 0 else ["unlogged", "logged"]
            for name in order:
                label = f"keel 1 row, log {'written' if name == 'logged' else 'skipped'}"
                runs[name].append(
                    keel_run(servers[name], "keel_one", args.duration, args.connections, args.wrk_threads, label)
                )
    finally:
        for server in servers.values():
            server.stop()
    logged, unlogged = median_result(runs["logged"]), median_result(runs["unlogged"])
    return {
        "logged": logged.row(),
        "unlogged": unlogged.row(),
        "throughput_loss": round(1 - logged.rps / unlogged.rps, 3),
        "all_rounds": {k: [r.row() for r in v] for k, v in runs.items()},
    }


# --- rollback propagation ---------------------------------------------------------------------------------------


@dataclass
class Answer:
    request_id: str
    sent: float
    received: float
    revision: int


def switch_times(server: Server, setup: Setup, switches: int, access_log: Path) -> list[dict[str, Any]]:
    """Deploy v2 then roll back, ``switches`` times, under a steady predict load from 4 threads; per rollback:
    whether any predict sent after the call returned got the old revision, and when each worker first answered
    with the new one."""
    base = f"{server.base}/api/v1/projects/{setup.slug}/deployments/bench/"

    def predict_loop(stop: threading.Event, out: list[Answer]) -> None:
        while not stop.is_set():
            request_id, sent = uuid.uuid4().hex, time.monotonic()
            status, body = post(base + "predict/", {"inputs": setup.rows[:1]}, setup.predictor_auth, request_id)
            if status != 200:
                raise RuntimeError(f"predict failed during the switch: {status} {body}")
            out.append(Answer(request_id, sent, time.monotonic(), body["revision"]))

    def timed(path: str, payload: dict[str, Any]) -> dict[str, Any]:
        answers: list[Answer] = []
        stop = threading.Event()
        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = [pool.submit(predict_loop, stop, answers) for _ in range(4)]
            time.sleep(1.0)
            sent = time.monotonic()
            status, body = post(base + path, payload, setup.operator_auth)
            returned = time.monotonic()
            time.sleep(1.5)
            stop.set()
            for future in futures:
                future.result()
        assert status == 200, body
        new = body["revision"]["number"]
        time.sleep(0.5)  # gunicorn logs a request just after its response is sent
        pids = {}
        for line in access_log.read_text().splitlines():
            parts = line.split()
            if len(parts) >= 2:
                pids[parts[1]] = parts[0].strip("<>")
        old = [a for a in answers if a.revision != new]
        first_new: dict[str, float] = {}
        for answer in sorted(answers, key=lambda a: a.received):
            pid = pids.get(answer.request_id)
            if pid is not None and answer.revision == new and answer.sent > sent and pid not in first_new:
                first_new[pid] = round((answer.received - returned) * 1000, 1)
        return {
            "action": path.rstrip("/"),
            "revision": new,
            "call_ms": round((returned - sent) * 1000, 1),
            "predicts": len(answers),
            "old_answers_sent_after_return": sum(1 for a in old if a.sent > returned),
            "last_old_sent_ms_after_return": round((max(a.sent for a in old) - returned) * 1000, 1) if old else None,
            "first_new_answer_ms_after_return_by_worker": first_new,
        }

    out = []
    for _ in range(switches):
        out.append(timed("deploy/", {"strategy": "single", "model": "cancer", "version": setup.versions["v2"]}))
        out.append(timed("rollback/", {"reason": "benchmark"}))
    return out


# --- profile ----------------------------------------------------------------------------------------------------

BUCKETS = [  # (stage, a frame that marks it); a sample counts for the first stage whose frame is on its stack
    ("DB connection health check (SELECT 1)", "close_if_health_check_failed ("),
    ("audit log insert (Postgres)", "_log (serving/inference.py:"),
    ("model: predict + predict_proba", "run_model (serving/inference.py:"),
    ("DataFrame from rows", "_frame (serving/inference.py:"),
    ("validation", "(serving/validation.py:"),
    ("routing table (Redis get)", "(serving/runtime.py:"),
    ("auth: token lookup (Postgres)", "(core/auth.py:"),
    ("permission: project + membership (Postgres)", "(core/permissions.py:"),
    ("throttle (Redis get + set)", "(rest_framework/throttling.py:"),
    ("JSON request parsing", "(rest_framework/parsers.py:"),
    ("JSON response rendering", "(rest_framework/renderers.py:"),
    ("Django + DRF: middleware, routing, dispatch (rest)", "WSGIHandler.__call__ ("),
    ("gunicorn: accept, parse request, write response", ""),
]


def summarize_profile(paths: list[Path]) -> dict[str, Any]:
    """Share of in-request wall time (py-spy --idle samples of a sync worker) by hot-path stage, and the top leaf
    frames. Each sample is counted once, for the first stage in BUCKETS whose frame is on its stack."""
    stacks: Counter[str] = Counter()
    for path in paths:
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if stack and count.isdigit():
                stacks[stack] += int(count)
    in_request = {s: n for s, n in stacks.items() if "handle_request (" in s}
    total = sum(in_request.values()) or 1
    shares: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    for stack, n in in_request.items():
        shares[next(label for label, needle in BUCKETS if needle in stack)] += n
        leaves[stack.split(";")[-1]] += n
    return {
        "samples_in_request": total,
        "samples_total": sum(stacks.values()),
        "share_of_request_pct": {k: round(100 * v / total, 1) for k, v in shares.most_common()},
        "top_leaf_frames_pct": {k: round(100 * v / total, 1) for k, v in leaves.most_common(15)},
    }


def profile(args: argparse.Namespace, server: Server, bodies: dict[str, Path], setup: Setup) -> dict[str, Any]:
    """Sample every worker under load twice: wall time (--idle: waits on Postgres and Redis included) and CPU time
    (running threads only)."""
    url = f"{server.base}/api/v1/projects/{setup.slug}/deployments/bench/predict/"
    out_dir = Path(args.work_dir)
    summaries: dict[str, Any] = {}
    for mode, extra in (("wall", ["--idle"]), ("cpu", [])):
        load = threading.Thread(
            target=wrk,
            args=(url, bodies["keel_one"], setup.predictor_auth, args.profile + 4, args.connections, args.wrk_threads),
        )
        load.start()
        time.sleep(2)
        spies, paths = [], []
        for pid in server.worker_pids():
            path = out_dir / f"pyspy-{mode}-{pid}.txt"
            paths.append(path)
            spies.append(
                subprocess.Popen(
                    [
                        *(args.py_spy, "record", "--pid", str(pid), "--duration", str(args.profile), "--rate", "250"),
                        *extra,
                        *("--format", "raw", "--output", str(path), "--nonblocking"),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        for spy in spies:
            spy.wait(timeout=args.profile + 60)
        load.join()
        summaries[mode] = summarize_profile([p for p in paths if p.exists()]) | {"raw": [str(p) for p in paths]}
    return summaries


# --- main -------------------------------------------------------------------------------------------------------


def median_result(results: list[WrkResult]) -> WrkResult:
    """The median run by req/s (the lower middle one for an even count), as measured rather than a blend."""
    return sorted(results, key=lambda r: r.rps)[(len(results) - 1) // 2]


def main() -> None:
    args = parse_args()
    PLACEMENT.update(server=args.server_cpus, wrk=args.wrk_cpus)
    with PostgresPlacement(args.postgres_cpus):
        run(args)


def run(args: argparse.Namespace) -> None:
    work = Path(args.work_dir)
    work.mkdir(parents=True, exist_ok=True)
    for stale in ("mlflow-model", "artifacts"):
        subprocess.run(["rm", "-rf", str(work / stale)], check=True)
    env = keel_env(args)
    os.environ.update(env)
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"  # setup only; the servers keep Keel's defaults

    started = time.time()
    print(f"database {args.db_url}: recreate and migrate", flush=True)
    recreate_database(args.db_url)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    print("training, registering, deploying", flush=True)
    setup = prepare(args)
    bodies = write_bodies(setup, work, args.batch)
    figures: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "loadavg_at_start": Path("/proc/loadavg").read_text().split()[:3],
        "settings": {
            k: getattr(args, k)
            for k in (
                "duration",
                "connections",
                "wrk_threads",
                "workers",
                "rounds",
                "batch",
                "balance",
                "server_cpus",
                "wrk_cpus",
                "postgres_cpus",
            )
        },
    }
    predict_path = f"/api/v1/projects/{setup.slug}/deployments/bench/predict/"

    def keel_run(server: Server, body: str, duration: int, connections: int, threads: int, label: str) -> WrkResult:
        meter = CpuMeter(server, args.db_url)
        url = server.base + predict_path
        return wrk(url, bodies[body], setup.predictor_auth, duration, connections, threads, label, meter)

    def mlflow_run(server: Server, duration: int, connections: int, threads: int, label: str) -> WrkResult:
        url = server.base + "/invocations"
        return wrk(url, bodies["mlflow_one"], "", duration, connections, threads, label, CpuMeter(server))

    def check_keel(server: Server) -> dict[str, Any]:
        status, answer = post(server.base + predict_path, {"inputs": setup.rows[:1]}, setup.predictor_auth)
        assert status == 200, answer
        keel_run(server, "keel_one", 3, args.connections, args.wrk_threads, "")  # warm both workers
        return answer

    worker_class = args.worker_class
    if args.only_log_overhead:
        figures["keel_worker_class"] = worker_class
        figures["log_overhead"] = log_overhead(args, env, worker_class, check_keel, keel_run)
        print(json.dumps(figures["log_overhead"], indent=2))
        finish(figures, started, args.out)
        return
    if worker_class == "auto":
        print(f"choosing Keel's gunicorn worker class ({args.trial} s each)", flush=True)
        trials = {}
        for candidate in ("sync", "gthread:4", "gthread:8"):
            server = keel_server(args, env, candidate, None).start()
            try:
                check_keel(server)
                trials[candidate] = keel_run(
                    server, "keel_one", args.trial, args.connections, args.wrk_threads, f"keel {candidate}"
                ).row()
            finally:
                server.stop()
        worker_class = max(trials, key=lambda k: trials[k]["rps"])
        figures["worker_class_trials"] = trials
    figures["keel_worker_class"] = worker_class

    keel = keel_server(args, env, worker_class, None).start()
    mlflow = None if args.skip_mlflow else mlflow_server(args, setup.mlflow_dir).start()
    try:
        keel_answer = check_keel(keel)
        mlflow_url = ""
        if mlflow is not None:
            mlflow_url = mlflow.base + "/invocations"
            status, answer = post(mlflow_url, json.loads(bodies["mlflow_one"].read_text()))
            assert status == 200, answer
            mlflow_prediction = answer["predictions"][0]
            assert mlflow_prediction == keel_answer["predictions"][0], (answer, keel_answer)
            wrk(mlflow_url, bodies["mlflow_one"], "", 3, args.connections, args.wrk_threads)  # warm
            figures["same_prediction"] = {"keel": keel_answer["predictions"][0], "mlflow": mlflow_prediction}

        print(
            f"measuring: {args.duration} s, {args.connections} connections, {args.wrk_threads} wrk threads", flush=True
        )
        runs: dict[str, list[WrkResult]] = {"keel": [], "mlflow": []}
        for index in range(args.rounds):
            order = ["keel", "mlflow"] if index % 2 == 0 else ["mlflow", "keel"]
            for name in order:
                if name == "keel":
                    runs["keel"].append(
                        keel_run(keel, "keel_one", args.duration, args.connections, args.wrk_threads, "keel 1 row")
                    )
                elif mlflow is not None:
                    runs["mlflow"].append(
                        mlflow_run(mlflow, args.duration, args.connections, args.wrk_threads, "mlflow 1 row")
                    )
        figures["keel_one_row"] = median_result(runs["keel"]).row()
        figures["keel_one_row_all_rounds"] = [r.row() for r in runs["keel"]]
        if runs["mlflow"]:
            figures["mlflow_one_row"] = median_result(runs["mlflow"]).row()
            figures["mlflow_one_row_all_rounds"] = [r.row() for r in runs["mlflow"]]
            figures["rps_ratio_keel_over_mlflow"] = round(
                figures["keel_one_row"]["rps"] / figures["mlflow_one_row"]["rps"], 3
            )
        batch = keel_run(
            keel, "keel_batch", args.duration, args.connections, args.wrk_threads, f"keel {args.batch} rows"
        )
        figures["keel_batch"] = batch.row() | {"rows_per_s": round(batch.rps * args.batch, 1)}

        short = max(5, args.duration // 3)
        figures["keel_one_connection"] = keel_run(keel, "keel_one", short, 1, 1, "keel 1 row, 1 connection").row()
        if mlflow is not None:
            figures["mlflow_one_connection"] = mlflow_run(mlflow, short, 1, 1, "mlflow 1 row, 1 connection").row()
    finally:
        keel.stop()
        if mlflow is not None:
            mlflow.stop()

    figures["in_process"] = {k: round(v, 1) for k, v in in_process(setup).items()}
    figures["keel_overhead_over_predict_ms"] = round(
        figures["keel_one_connection"]["p50_ms"] - figures["in_process"]["pipeline_predict_us"] / 1000, 3
    )
    if "mlflow_one_connection" in figures:
        figures["mlflow_overhead_over_predict_ms"] = round(
            figures["mlflow_one_connection"]["p50_ms"] - figures["in_process"]["pipeline_predict_us"] / 1000, 3
        )

    if args.log_overhead:
        figures["log_overhead"] = log_overhead(args, env, worker_class, check_keel, keel_run)

    print(f"rollback propagation ({args.switches} deploy + rollback pairs)", flush=True)
    log = work / "switch-access.log"
    server = keel_server(args, env, worker_class, log).start()
    try:
        check_keel(server)
        figures["switches"] = switch_times(server, setup, args.switches, log)
    finally:
        server.stop()

    if args.profile:
        print(f"profiling both Keel workers for {args.profile} s under load", flush=True)
        server = keel_server(args, env, args.profile_worker_class, None).start()
        try:
            check_keel(server)
            figures["profile"] = profile(args, server, bodies, setup) | {"worker_class": args.profile_worker_class}
        finally:
            server.stop()

    finish(figures, started, args.out)
    report(figures)


def finish(figures: dict[str, Any], started: float, out: str) -> None:
    """Close the record of a run (load average at the end, elapsed time) and write it as JSON when asked."""
    figures["loadavg_at_end"] = Path("/proc/loadavg").read_text().split()[:3]
    figures["elapsed_s"] = round(time.time() - started, 1)
    if out:
        Path(out).write_text(json.dumps(figures, indent=2))


def machine() -> dict[str, Any]:
    import platform

    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    versions = {}
    for module in ("django", "rest_framework", "gunicorn", "sklearn", "pandas", "mlflow", "uvicorn", "psycopg"):
        try:
            versions[module] = __import__(module).__version__
        except (ImportError, AttributeError):
            versions[module] = "?"
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split(" [")[0]
    postgres = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "kernel": platform.release(),
        "wrk": wrk_version,
        "postgres_client": postgres,
        **versions,
    }


def report(figures: dict[str, Any]) -> None:
    print()
    print("| server | req/s | p50 ms | p99 ms | server CPU ms/req | Postgres CPU ms/req | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    names = [
        ("keel_one_row", f"Keel ({figures['keel_worker_class']}), 1 row"),
        ("mlflow_one_row", "mlflow models serve, 1 row"),
        ("keel_batch", f"Keel, {figures['settings']['batch']} rows"),
        ("keel_one_connection", "Keel, 1 row, 1 connection"),
        ("mlflow_one_connection", "mlflow, 1 row, 1 connection"),
    ]
    for key, label in names:
        if key in figures:
            r = figures[key]
            cpu = r["cpu"]
            server_cpu = cpu.get("server_cpu_ms_per_request", float("nan"))
            pg_cpu = cpu.get("postgres_cpu_ms_per_request")
            pg = f"{pg_cpu:.2f}" if pg_cpu is not None else "-"
            print(
                f"| {label} | {r['rps']:.1f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {server_cpu:.2f} | {pg} "
                f"| {r['errors'] or 0} |"
            )
    print()
    if "rps_ratio_keel_over_mlflow" in figures:
        print(f"Keel / mlflow req/s: {figures['rps_ratio_keel_over_mlflow']:.2f}x")
    print(f"Keel batch rows/s: {figures['keel_batch']['rows_per_s']:.0f}")
    print("in process (us):", json.dumps(figures["in_process"]))
    print(f"Keel overhead over pipeline.predict (1 connection p50): {figures['keel_overhead_over_predict_ms']} ms")
    if "mlflow_overhead_over_predict_ms" in figures:
        print(
            f"mlflow overhead over pipeline.predict (1 connection p50): {figures['mlflow_overhead_over_predict_ms']} ms"
        )
    rollbacks = [s for s in figures["switches"] if s["action"] == "rollback"]
    print("switches:")
    for switch in figures["switches"]:
        print("  " + json.dumps(switch))
    worst = [max(s["first_new_answer_ms_after_return_by_worker"].values(), default=0) for s in rollbacks]
    print(f"rollback: old answers after return: {sum(s['old_answers_sent_after_return'] for s in rollbacks)}; ")
    print(f"rollback: worst per-worker first-new-answer after return: {max(worst, default=0)} ms")
    if "profile" in figures:
        print("profile:", json.dumps(figures["profile"], indent=2))
    print(f"elapsed {figures['elapsed_s']} s")


if __name__ == "__main__":
    main()
