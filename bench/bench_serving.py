"""Benchmark: Keel's predict endpoint against ``mlflow models serve`` on the same skops artifact.

The full matrix, as published (about 15 minutes on an otherwise idle 2-core machine)::

    uv run python -u bench/bench_serving.py --model-kind all --seconds 15 --rounds 3 \
        --out /tmp/bench-serving.json --markdown /tmp/bench-serving.md

A smoke run (one model, one 2 s round per side, about a minute)::

    uv run python -u bench/bench_serving.py --model-kind lr --seconds 2 --rounds 1

One file of your own (a skops file of an estimator or pipeline; rows from ``--data`` or the breast-cancer set)::

    uv run python -u bench/bench_serving.py --artifact model.skops --data rows.csv

For each model kind (``lr``: ``Pipeline(StandardScaler, LogisticRegression)``; ``forest``: a bare
``RandomForestClassifier`` of 100 trees; ``hgb``: ``HistGradientBoostingClassifier``; ``keel``: a pipeline trained by
Keel's own trainer; all fitted on scikit-learn's breast-cancer data, 30 features) one skops file is written, then:

- Keel: the file is uploaded through the public REST API (``POST .../models/<name>/versions/upload/``, what
  ``keel models upload`` calls) into a project without a human approval step (an owner's upload is approved by the
  API), deployed through the API, and served by gunicorn (``gthread``, 2 workers x 4 threads, as the Dockerfile
  runs it) with Postgres, Redis, a Celery worker and the per-prediction audit log on; requests carry a
  service-account bearer token.
- MLflow: the same file is loaded with skops and saved with ``mlflow.sklearn.save_model`` (the same object), then
  served by ``mlflow models serve -w 2 --env-manager local``.

Both sides get the same load from wrk (``bench/serving/post.lua``; 2 threads, 8 keep-alive connections, one row per
request in each side's JSON format) in alternating rounds (Keel, MLflow, Keel, MLflow...). Per side: the medians
over rounds of req/s, p50 and p99, and CPU milliseconds per request (the CPU time the server's process tree used
during the round, read from ``/proc``, over the requests answered; for Keel the Postgres backends and the Celery
worker are counted separately); how each round's connections and CPU split between the worker processes; a warm
single-connection p50; and rows/s for batches of 100 rows. Labels are compared on the batch rows across Keel, MLflow
and the estimator in this process. Output: a Markdown table (for BENCHMARKS.md) and JSON (``--out``).

Extras kept from the earlier harness (off by default): ``--log-overhead N`` (Keel with the audit-log write skipped,
alternating rounds), ``--switches N`` (rollback propagation across workers), ``--profile N`` (py-spy).
Only loopback services are used; ``--db-url`` names a scratch database that is dropped and recreated.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
LUA = ROOT / "bench" / "serving" / "post.lua"
sys.path.insert(0, str(ROOT))

MODEL_KINDS = {
    "lr": "Pipeline(StandardScaler, LogisticRegression)",
    "forest": "RandomForestClassifier, 100 trees (bare)",
    "hgb": "HistGradientBoostingClassifier (bare)",
    "keel": "pipeline trained by Keel (imputer + scaler + logistic regression)",
}
PROJECT = "bench"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--model-kind",
        default="all",
        help=f"comma-separated model kinds ({', '.join(MODEL_KINDS)}) or all",
    )
    parser.add_argument("--artifact", default="", help="a skops file to serve instead of the model-kind matrix")
    parser.add_argument(
        "--data", default="", help="with --artifact: a CSV holding the model's feature columns (default: breast cancer)"
    )
    parser.add_argument("--seconds", "--duration", dest="seconds", type=int, default=15, help="seconds per round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating Keel/MLflow rounds per model; medians")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (both servers)")
    parser.add_argument("--worker-class", default="gthread:4", help="Keel's gunicorn worker: sync or gthread:N")
    parser.add_argument(
        "--gunicorn-args",
        default="",
        help="extra gunicorn options for Keel, e.g. '--worker-connections 4' or '--max-requests 2000'",
    )
    parser.add_argument(
        "--balance",
        action="store_true",
        help="gthread: cap each Keel worker at connections/workers keep-alive connections (--worker-connections)",
    )
    parser.add_argument("--batch", type=int, default=100, help="rows per request in the batch runs")
    parser.add_argument("--one-connection-seconds", type=int, default=0, help="default: seconds / 2, at least 2")
    parser.add_argument(
        "--celery", action=argparse.BooleanOptionalAction, default=True, help="run a Celery worker beside Keel"
    )
    parser.add_argument("--db-url", default="postgres://postgres@127.0.0.1:5432/keel_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--throttle", default="1000000/s", help="KEEL_THROTTLE_USER and _PREDICT for the run")
    parser.add_argument("--work-dir", default="/tmp/keel-bench")
    parser.add_argument("--skip-mlflow", action="store_true")
    parser.add_argument(
        "--log-overhead", type=int, default=0, help="alternating rounds of Keel with and without the audit-log write"
    )
    parser.add_argument(
        "--only-extras",
        "--only-log-overhead",
        dest="only_extras",
        action="store_true",
        help="skip the Keel/MLflow comparison: only --log-overhead, --gunicorn-variants, --switches, --profile",
    )
    parser.add_argument(
        "--gunicorn-variants",
        default="",
        help="';'-separated gunicorn option sets (an empty one: as configured) served in turn for the first model, "
        "Keel only, alternating rounds: e.g. ';--reuse-port;--keep-alive 0;-w 4 --threads 2'",
    )
    parser.add_argument("--switches", type=int, default=0, help="deploy + rollback pairs timed across workers")
    parser.add_argument("--profile", type=int, default=0, help="py-spy seconds per Keel worker (0: no profile)")
    parser.add_argument("--py-spy", default="py-spy", help="the py-spy executable")
    parser.add_argument("--profile-worker-class", default="sync", help="one thread per worker keeps samples readable")
    parser.add_argument("--server-cpus", default="", help="CPUs both servers run on (taskset list, say 0 or 0-3)")
    parser.add_argument("--wrk-cpus", default="", help="CPUs the load generator runs on; default: any")
    parser.add_argument(
        "--postgres-cpus",
        default="",
        help="CPUs for the machine's whole PostgreSQL server during the run; restored at the end",
    )
    parser.add_argument("--out", default="", help="write all figures as JSON here")
    parser.add_argument("--markdown", default="", help="write the Markdown tables here too")
    args = parser.parse_args(argv)
    if args.artifact:
        if not Path(args.artifact).is_file():
            parser.error(f"--artifact {args.artifact}: no such file")
        args.kinds = [artifact_name(args.artifact)]
    else:
        kinds = list(MODEL_KINDS) if args.model_kind == "all" else [k.strip() for k in args.model_kind.split(",")]
        unknown = [k for k in kinds if k not in MODEL_KINDS]
        if unknown or not kinds:
            parser.error(f"--model-kind: unknown {unknown}; choose from {', '.join(MODEL_KINDS)} or all")
        args.kinds = kinds
    if args.data and not args.artifact:
        parser.error("--data goes with --artifact (the model kinds use the breast-cancer data)")
    if args.seconds < 1 or args.rounds < 1:
        parser.error("--seconds and --rounds must be at least 1")
    if args.only_extras and not (args.log_overhead or args.gunicorn_variants or args.switches or args.profile):
        parser.error("--only-extras needs --log-overhead, --gunicorn-variants, --switches or --profile")
    kind, _, threads = args.worker_class.partition(":")
    if kind not in ("sync", "gthread") or (threads and not threads.isdigit()):
        parser.error("--worker-class: sync or gthread:N")
    for option in ("server_cpus", "wrk_cpus", "postgres_cpus"):
        try:
            cpu_list(getattr(args, option))
        except ValueError as exc:
            parser.error(f"--{option.replace('_', '-')}: {exc}")
    for url in (args.db_url, args.redis_url):
        if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
            parser.error(f"{url}: only loopback services")
    return args


def artifact_name(path: str) -> str:
    """A model and deployment name for a file of the user's: its stem, lower case, other characters as '-'."""
    name = re.sub(r"[^a-z0-9-]+", "-", Path(path).stem.lower()).strip("-")[:40]
    return name or "model"


# --- processes and CPU accounting -------------------------------------------------------------------------------


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


def parse_stat_cpu(stat: str) -> float:
    """User + system CPU seconds from the text of ``/proc/<pid>/stat`` (fields 14 and 15; the command name, in
    parentheses, may hold spaces)."""
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds each live process has used so far."""
    used = {}
    for pid in pids:
        try:
            used[pid] = parse_stat_cpu(Path(f"/proc/{pid}/stat").read_text())
        except (OSError, IndexError, ValueError):
            continue
    return used


def cpu_used(before: dict[int, float], last: dict[int, float]) -> dict[int, float]:
    """CPU seconds each process used between two readings: a process first seen after ``before`` counts from zero
    (it started during the run), one gone by the end counts up to its ``last`` reading."""
    return {pid: max(0.0, seconds - before.get(pid, 0.0)) for pid, seconds in last.items()}


def children_map() -> dict[int, list[int]]:
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True).stdout
    children: dict[int, list[int]] = {}
    for line in out.splitlines():
        pid, ppid = map(int, line.split())
        children.setdefault(ppid, []).append(pid)
    return children


def tree(children: dict[int, list[int]], root: int) -> list[int]:
    """``root`` and every process below it."""
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def leaves(children: dict[int, list[int]], root: int) -> list[int]:
    """The processes of ``root``'s tree that have no children: a pre-fork server's workers."""
    return sorted(pid for pid in tree(children, root) if not children.get(pid) and pid != root)


def descendants(root: int) -> list[int]:
    return tree(children_map(), root)


def established_inodes(tcp_table: str, port: int) -> set[int]:
    """Socket inodes of the established TCP connections whose local port is ``port``, from the text of
    ``/proc/net/tcp`` (or ``tcp6``): the server's side of its clients' connections."""
    inodes = set()
    for line in tcp_table.splitlines()[1:]:
        parts = line.split()
        if len(parts) < 10:
            continue
        local, state, inode = parts[1], parts[3], parts[9]
        if state == "01" and int(local.rsplit(":", 1)[1], 16) == port:
            inodes.add(int(inode))
    return inodes


def socket_inodes(pid: int) -> set[int]:
    inodes = set()
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return inodes
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    return inodes


def connections_by_pid(pids: list[int], port: int) -> dict[int, int]:
    """How many established client connections to ``port`` each process holds open right now."""
    table = ""
    for name in ("tcp", "tcp6"):
        try:
            table += Path(f"/proc/net/{name}").read_text()
        except OSError:
            continue
    established = established_inodes(table, port)
    return {pid: len(socket_inodes(pid) & established) for pid in pids}


def postgres_backends(conn: Any) -> list[int]:
    """The server processes of every other connection to the benchmark database."""
    rows = conn.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    ).fetchall()
    return [row[0] for row in rows]


@dataclass
class Measured:
    """What a CpuMeter found over one run: CPU seconds per group and per server worker, and the connections each
    worker held (the last reading taken while clients were connected)."""

    group_seconds: dict[str, float]
    worker_seconds: dict[int, float]
    worker_connections: dict[int, int]


class CpuMeter:
    """CPU used by process trees (the server; for Keel also the Celery worker) and, given a database URL, by the
    Postgres backends of that database, across a load run; also how the server's workers share the load.

    Polled every half second, because Django reopens its database connections (CONN_MAX_AGE), so backends come and
    go during a run: a backend first seen mid-run counts from zero, and one that ends counts up to its last poll.
    """

    def __init__(self, roots: dict[str, int], db_url: str = "", port: int = 0) -> None:
        import psycopg

        self.roots = roots
        self.port = port
        self._db = psycopg.connect(db_url, autocommit=True) if db_url else None
        self._stop = threading.Event()
        self._connections: dict[int, int] = {}

    def _read(self) -> dict[str, dict[int, float]]:
        children = children_map()
        groups = {name: cpu_seconds(tree(children, root)) for name, root in self.roots.items()}
        if self._db is not None:
            groups["postgres"] = cpu_seconds(postgres_backends(self._db))
        if self.port:
            held = connections_by_pid(self._workers, self.port)
            if sum(held.values()):
                self._connections = held
        return groups

    def _poll(self) -> None:
        while not self._stop.wait(0.5):
            for group, now in self._read().items():
                self._last.setdefault(group, {}).update(now)

    def start(self) -> None:
        self._workers = leaves(children_map(), self.roots["server"])
        self._before = self._read()
        self._last = {group: dict(pids) for group, pids in self._before.items()}
        self._stop.clear()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def stop(self) -> Measured:
        self._stop.set()
        self._thread.join()
        for group, now in self._read().items():
            self._last.setdefault(group, {}).update(now)
        if self._db is not None:
            self._db.close()
        used = {group: cpu_used(self._before.get(group, {}), last) for group, last in self._last.items()}
        server = used.get("server", {})
        return Measured(
            group_seconds={group: sum(pids.values()) for group, pids in used.items()},
            worker_seconds={pid: server.get(pid, 0.0) for pid in self._workers},
            worker_connections=dict(self._connections),
        )


def per_request(measured: Measured, requests: int) -> dict[str, float]:
    """CPU milliseconds per answered request, per group (``server_cpu_ms_per_request``, ...)."""
    return {
        f"{group}_cpu_ms_per_request": round(1000 * seconds / max(1, requests), 3)
        for group, seconds in measured.group_seconds.items()
    }


def worker_split(measured: Measured) -> list[dict[str, Any]]:
    """Each worker's share of the server's worker CPU and its connections, busiest first (an idle worker too: a
    worker left with no connection is the point)."""
    total = sum(measured.worker_seconds.values()) or 1.0
    rows = [
        {
            "pid": pid,
            "cpu_share": round(seconds / total, 3),
            "connections": measured.worker_connections.get(pid, 0),
        }
        for pid, seconds in measured.worker_seconds.items()
    ]
    return sorted(rows, key=lambda r: (-r["connections"], -r["cpu_share"]))


def split_label(workers: list[dict[str, Any]]) -> str:
    """ "6/2 (71/29 %)": connections per worker and the workers' shares of CPU, busiest first; "-" when unknown."""
    if not workers:
        return "-"
    connections = "/".join(str(w["connections"]) for w in workers)
    shares = "/".join(f"{100 * w['cpu_share']:.0f}" for w in workers)
    return f"{connections} ({shares} %)"


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

    def start(self, timeout: float = 600) -> Server:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                self.cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log}")
            if not self.ready_path:
                if b" ready." in self.log.read_bytes():  # Celery's worker says "celery@host ready."
                    return self
                time.sleep(0.25)
                continue
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

    @property
    def pid(self) -> int:
        assert self.proc is not None, f"{self.name} is not running"
        return self.proc.pid

    def worker_pids(self) -> list[int]:
        """The worker processes (the leaves of the process tree)."""
        return leaves(children_map(), self.pid)


def keel_server(args: argparse.Namespace, env: dict[str, str], worker_class: str, access_log: Path | None) -> Server:
    """gunicorn as the image runs it (``config/gunicorn.conf.py``: gthread, 2 workers x 4 threads, keep-alive
    connections closed after ``KEEL_KEEPALIVE_REQUESTS``) on a free loopback port; workers and threads as asked."""
    kind, _, threads = worker_class.partition(":")
    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"]
    cmd += ["-w", str(args.workers)]
    cmd += ["-b", f"127.0.0.1:{port}", "-k", kind, "--threads", threads or "1", "--timeout", "60"]
    if args.balance and kind == "gthread":
        cmd += ["--worker-connections", str(-(-args.connections // args.workers))]
    cmd += shlex.split(args.gunicorn_args)
    if access_log is not None:
        access_log.write_bytes(b"")
        cmd += ["--access-logfile", str(access_log), "--access-logformat", "%(p)s %({x-request-id}o)s %(s)s"]
    work = Path(args.work_dir)
    return Server(f"keel[{worker_class}]", placed(cmd, "server"), env, port, "/livez", work / "keel.log")


def celery_worker(args: argparse.Namespace, env: dict[str, str]) -> Server:
    """One Celery worker on every queue, as a deployment runs beside its web processes (no beat: the periodic work
    is not per request)."""
    cmd = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "default,training,monitoring", "-c", "1"]
    cmd += ["--without-gossip", "--without-mingle", "-l", "INFO", "-n", f"bench-{os.getpid()}@%h"]
    env = env | {"CELERY_TASK_ALWAYS_EAGER": "false"}
    return Server("celery", placed(cmd, "server"), env, 0, "", Path(args.work_dir) / "celery.log")


def mlflow_server(args: argparse.Namespace, model_dir: Path) -> Server:
    port = free_port()
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # mlflow starts `uvicorn`
    env["PYTHONPATH"] = str(ROOT)  # Keel's pipelines reference Keel's preprocessing functions
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
    workers: list[dict[str, Any]] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in self.__dict__.items()}


def parse_wrk(stdout: str) -> WrkResult:
    """The figures ``post.lua`` prints on its ``BENCH_JSON`` line."""
    line = next((line for line in stdout.splitlines() if line.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no BENCH_JSON line:\n{stdout[-2000:]}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    errors = {k: raw[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")}
    return WrkResult(
        rps=raw["requests"] / (raw["duration_us"] / 1e6),
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        mean_ms=raw["mean_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        requests=raw["requests"],
        errors={k: v for k, v in errors.items() if v},
    )


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
    result = parse_wrk(out.stdout)
    if meter is not None:
        measured = meter.stop()
        result.cpu = per_request(measured, result.requests)
        result.workers = worker_split(measured)
    if label:
        print(
            f"  {label:<30} {result.rps:8.1f} req/s  p50 {result.p50_ms:7.2f} ms  p99 {result.p99_ms:7.2f} ms"
            + "".join(f"  {k.removesuffix('_cpu_ms_per_request')} {v:.2f}" for k, v in result.cpu.items())
            + (" ms/req CPU" if result.cpu else "")
            + (f"  workers {split_label(result.workers)}" if result.workers else "")
            + (f"  errors {result.errors}" if result.errors else ""),
            flush=True,
        )
    return result


# --- setup: database, artifacts, the upload through the API -------------------------------------------------------


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


def cancer_frame() -> Any:
    from sklearn.datasets import load_breast_cancer

    frame = load_breast_cancer(as_frame=True).frame
    frame.columns = [str(c).replace(" ", "_") for c in frame.columns]
    return frame


def fit(frame: Any, c: float) -> Any:
    """Keel's trainer on ``frame``: a logistic-regression pipeline (the result holds ``pipeline``, ``signature``)."""
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


def build_model(kind: str) -> Any:
    """The fitted estimator of one model kind, on the breast-cancer data (30 features)."""
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    frame = cancer_frame()
    X, y = frame.drop(columns=["target"]), frame["target"]
    if kind == "keel":
        return fit(frame, 1.0).pipeline
    estimators = {
        "lr": lambda: Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=1000))]),
        "forest": lambda: RandomForestClassifier(n_estimators=100, random_state=0),
        "hgb": lambda: HistGradientBoostingClassifier(random_state=0),
    }
    return estimators[kind]().fit(X, y)


def load_skops(path: Path) -> Any:
    """The estimator in a skops file this benchmark wrote or was given (its types are trusted: it is the user's)."""
    import skops.io as sio

    return sio.load(path, trusted=sio.get_untrusted_types(file=path))


@dataclass
class Artifact:
    name: str
    description: str
    path: Path
    model: Any  # the estimator loaded back from ``path``: what MLflow serves
    columns: list[str]
    rows: list[dict[str, float]]


def write_artifact(kind: str, work: Path) -> Artifact:
    """The model kind saved as a skops file and loaded back from it."""
    import skops.io as sio

    path = work / f"{kind}.skops"
    sio.dump(build_model(kind), path)
    return artifact_from_file(kind, MODEL_KINDS[kind], path, "")


def artifact_from_file(name: str, description: str, path: Path, data: str) -> Artifact:
    import pandas as pd

    model = load_skops(path)
    frame = pd.read_csv(data) if data else cancer_frame().drop(columns=["target"])
    columns = [str(c) for c in getattr(model, "feature_names_in_", frame.columns)]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SystemExit(f"{path}: the model needs columns {missing[:5]} that the data lacks; pass --data FILE.csv")
    rows = [{c: float(v) for c, v in row.items()} for row in frame[columns].to_dict(orient="records")]
    return Artifact(name, description, path, model, columns, rows)


def bootstrap_owner() -> str:
    """The first user and their API token, as an operator creates them on a fresh install (everything else goes
    through the API)."""
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connections

    from core import services
    from core.models import User

    cache.clear()
    owner = User.objects.create_user(username="bench-owner", password=secrets.token_urlsafe(24))
    secret = services.api_token_create(user=owner, name="bench").secret
    connections.close_all()
    return secret


class Api:
    """Keel's REST API with one bearer token; any unexpected status stops the benchmark with the answer."""

    def __init__(self, base: str, token: str) -> None:
        import requests

        self.base = base
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        response = self.session.request(method, self.base + path, timeout=300, **kwargs)
        if response.status_code != expect:
            raise SystemExit(f"{method} {path}: {response.status_code} (expected {expect}): {response.text[:3000]}")
        return response.json() if response.content else None


@dataclass
class Deployed:
    """A model uploaded and deployed on Keel, and the same file saved for MLflow."""

    artifact: Artifact
    version: dict[str, Any]
    predict_url: str
    mlflow_dir: Path
    bodies: dict[str, Path]


def upload(api: Api, artifact: Artifact) -> dict[str, Any]:
    """Upload the skops file as a new version of the model named after the artifact and answer the version."""
    with open(artifact.path, "rb") as fh:
        version = api.call(
            "POST",
            f"/api/v1/projects/{PROJECT}/models/{artifact.name}/versions/upload/",
            expect=201,
            files={"file": (artifact.path.name, fh, "application/octet-stream")},
            data={"format": "skops", "input_example": json.dumps(artifact.rows[:3])},
        )
    if version.get("approval") != "approved":
        raise SystemExit(f"{artifact.name} v{version.get('version')}: not approved after upload: {version}")
    return version


def save_for_mlflow(artifact: Artifact, folder: Path) -> None:
    """The loaded estimator (the very object) saved as an MLflow model in its default skops format."""
    import mlflow.sklearn
    import pandas as pd
    import skops.io as sio
    from mlflow.models import infer_signature

    subprocess.run(["rm", "-rf", str(folder)], check=True)
    frame = pd.DataFrame(artifact.rows, columns=artifact.columns)
    signature = infer_signature(frame, artifact.model.predict(frame))
    trusted = sio.get_untrusted_types(file=artifact.path)
    mlflow.sklearn.save_model(  # requirements named: served with --env-manager local, so none is installed
        artifact.model, str(folder), signature=signature, skops_trusted_types=trusted, pip_requirements=["scikit-learn"]
    )


def write_bodies(artifact: Artifact, work: Path, batch: int) -> dict[str, Path]:
    """Request bodies, one row and ``batch`` rows, in each server's format."""
    rows, columns = artifact.rows, artifact.columns

    def split(part: list[dict[str, float]]) -> dict[str, Any]:
        return {"dataframe_split": {"columns": columns, "data": [[row[c] for c in columns] for row in part]}}

    bodies = {
        "keel_one": {"inputs": rows[:1]},
        "keel_batch": {"inputs": rows[:batch]},
        "mlflow_one": split(rows[:1]),
        "mlflow_batch": split(rows[:batch]),
    }
    paths = {}
    for name, body in bodies.items():
        paths[name] = work / f"{artifact.name}-{name}.json"
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
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback http only
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def engine_of(capabilities: dict[str, Any]) -> str:
    """How Keel says it serves a version: its ``engine`` capability when it reports one, else whether the fast
    path applies."""
    engine = capabilities.get("engine")
    if engine:
        return str(engine)
    return "fast path" if capabilities.get("fast_path") else "scikit-learn"


# --- one model, both servers --------------------------------------------------------------------------------------


@dataclass
class Context:
    args: argparse.Namespace
    env: dict[str, str]
    keel: Server
    celery: Server | None
    api: Api
    auth: str  # the service account's Authorization header: what predicts

    def keel_meter(self, server: Server | None = None) -> CpuMeter:
        server = server or self.keel
        roots = {"server": server.pid} | ({"celery": self.celery.pid} if self.celery and self.celery.proc else {})
        return CpuMeter(roots, self.args.db_url, server.port)


def deploy(ctx: Context, artifact: Artifact) -> Deployed:
    """Upload, deploy and check one artifact on Keel; save the same estimator for MLflow."""
    version = upload(ctx.api, artifact)
    body = {"name": artifact.name, "model": artifact.name, "version": version["version"]}
    ctx.api.call("POST", f"/api/v1/projects/{PROJECT}/deployments/", expect=201, json=body)
    work = Path(ctx.args.work_dir)
    mlflow_dir = work / f"mlflow-{artifact.name}"
    if not ctx.args.skip_mlflow:
        save_for_mlflow(artifact, mlflow_dir)
    return Deployed(
        artifact=artifact,
        version=version,
        predict_url=f"/api/v1/projects/{PROJECT}/deployments/{artifact.name}/predict/",
        mlflow_dir=mlflow_dir,
        bodies=write_bodies(artifact, work, ctx.args.batch),
    )


def label_mismatches(got: list[Any], expected: list[Any]) -> int:
    """Rows whose labels differ (1 and 1.0 are the same label; a missing row counts as a difference)."""

    def same(a: Any, b: Any) -> bool:
        try:
            return float(a) == float(b)
        except (TypeError, ValueError):
            return str(a) == str(b)

    return sum(not same(a, b) for a, b in zip(got, expected, strict=False)) + abs(len(got) - len(expected))


def warm(url: str, body: Path, auth: str, workers: int) -> None:
    """Requests on fresh connections until every worker has had some (each loads the model on its first)."""
    payload = json.loads(body.read_text())
    for _ in range(10 * workers):
        status, answer = post(url, payload, auth)
        if status != 200:
            raise SystemExit(f"{url}: {status} {answer}")


def summarize(results: list[WrkResult]) -> dict[str, Any]:
    """Medians over rounds (each figure on its own), the per-round req/s and worker splits, and every round."""
    rows = [r.row() for r in results]

    def median(values: Any) -> float:
        return round(statistics.median(values), 3)

    cpu_keys = sorted({k for r in rows for k in r["cpu"]})
    errors: Counter[str] = Counter()
    for r in rows:
        errors.update(r["errors"])
    return {
        "rps": median(r["rps"] for r in rows),
        "p50_ms": median(r["p50_ms"] for r in rows),
        "p99_ms": median(r["p99_ms"] for r in rows),
        "cpu": {k: median(r["cpu"].get(k, 0.0) for r in rows) for k in cpu_keys},
        "total_cpu_ms_per_request": median(sum(r["cpu"].values()) for r in rows) if cpu_keys else None,
        "rounds_rps": [round(r["rps"], 1) for r in rows],
        "splits": [split_label(r["workers"]) for r in rows],
        "errors": dict(errors),
        "rounds": rows,
    }


def measure(ctx: Context, deployed: Deployed) -> dict[str, Any]:
    """Alternating rounds on both servers, then one connection and batches on each."""
    import hashlib

    import pandas as pd

    args, artifact, bodies = ctx.args, deployed.artifact, deployed.bodies
    url = ctx.keel.base + deployed.predict_url
    print(f"{artifact.name}: {artifact.description}", flush=True)
    warm(url, bodies["keel_one"], ctx.auth, args.workers)
    number = deployed.version["version"]
    version = ctx.api.call("GET", f"/api/v1/projects/{PROJECT}/models/{artifact.name}/versions/{number}/")
    batch_rows = artifact.rows[: args.batch]
    expected = artifact.model.predict(pd.DataFrame(batch_rows, columns=artifact.columns)).tolist()
    status, keel_batch = post(url, json.loads(bodies["keel_batch"].read_text()), ctx.auth)
    if status != 200:
        raise SystemExit(f"{url}: {status} {keel_batch}")
    figures: dict[str, Any] = {
        "name": artifact.name,
        "description": artifact.description,
        "artifact": str(artifact.path),
        "artifact_sha256": hashlib.sha256(artifact.path.read_bytes()).hexdigest(),
        "keel_version": number,
        "capabilities": version.get("capabilities", {}),
        "engine": engine_of(version.get("capabilities", {})),
        "label_mismatches": {"keel": label_mismatches(keel_batch["predictions"], expected), "rows": len(expected)},
    }
    print(f"  Keel serves it with: {figures['engine']}", flush=True)

    def keel_run(body: str, duration: int, connections: int, threads: int, label: str) -> WrkResult:
        return wrk(url, bodies[body], ctx.auth, duration, connections, threads, label, ctx.keel_meter())

    mlflow = None if args.skip_mlflow else mlflow_server(args, deployed.mlflow_dir).start()
    mlflow_url = "" if mlflow is None else mlflow.base + "/invocations"

    def mlflow_run(body: str, duration: int, connections: int, threads: int, label: str) -> WrkResult:
        assert mlflow is not None
        meter = CpuMeter({"server": mlflow.pid}, port=mlflow.port)
        return wrk(mlflow_url, bodies[body], "", duration, connections, threads, label, meter)

    c, t, seconds = args.connections, args.wrk_threads, args.seconds
    one = args.one_connection_seconds or max(2, seconds // 2)
    runs: dict[str, list[WrkResult]] = {"keel": [], "mlflow": []}
    try:
        if mlflow is not None:
            status, answer = post(mlflow_url, json.loads(bodies["mlflow_batch"].read_text()))
            if status != 200:
                raise SystemExit(f"{mlflow_url}: {status} {answer}")
            figures["label_mismatches"]["mlflow"] = label_mismatches(answer["predictions"], expected)
            warm(mlflow_url, bodies["mlflow_one"], "", args.workers)
        keel_run("keel_one", min(3, seconds), c, t, "")
        if mlflow is not None:
            mlflow_run("mlflow_one", min(3, seconds), c, t, "")
        for index in range(args.rounds):
            runs["keel"].append(keel_run("keel_one", seconds, c, t, f"keel, round {index + 1}"))
            if mlflow is not None:
                runs["mlflow"].append(mlflow_run("mlflow_one", seconds, c, t, f"mlflow, round {index + 1}"))
        figures["keel"] = summarize(runs["keel"])
        figures["keel_one_connection"] = keel_run("keel_one", one, 1, 1, "keel, 1 connection").row()
        batch = keel_run("keel_batch", seconds, c, t, f"keel, {args.batch} rows")
        figures["keel_batch"] = batch.row() | {"rows_per_s": round(batch.rps * args.batch, 1)}
        if mlflow is not None:
            figures["mlflow"] = summarize(runs["mlflow"])
            figures["mlflow_one_connection"] = mlflow_run("mlflow_one", one, 1, 1, "mlflow, 1 connection").row()
            batch = mlflow_run("mlflow_batch", seconds, c, t, f"mlflow, {args.batch} rows")
            figures["mlflow_batch"] = batch.row() | {"rows_per_s": round(batch.rps * args.batch, 1)}
    finally:
        if mlflow is not None:
            mlflow.stop()
    figures["in_process_predict_one_row_us"] = round(in_process_predict_us(artifact), 1)
    return figures


def in_process_predict_us(artifact: Artifact) -> float:
    """The estimator's own ``predict`` on a one-row DataFrame in this process (best of 5 x 50 calls), microseconds:
    the floor under both servers' latency when they call scikit-learn."""
    import timeit

    import pandas as pd

    frame = pd.DataFrame(artifact.rows[:1], columns=artifact.columns)
    return min(timeit.repeat(lambda: artifact.model.predict(frame), number=50, repeat=5)) / 50 * 1e6


# --- the report -------------------------------------------------------------------------------------------------


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a and b else "-"


def _num(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def keel_cpu_label(side: dict[str, Any]) -> str:
    """Keel's CPU per request: server, + Postgres backends, + Celery worker when it used any."""
    cpu = side.get("cpu", {})
    parts = [_num(cpu.get("server_cpu_ms_per_request"), 2)]
    if "postgres_cpu_ms_per_request" in cpu:
        parts.append(f"{cpu['postgres_cpu_ms_per_request']:.2f} pg")
    if cpu.get("celery_cpu_ms_per_request"):
        parts.append(f"{cpu['celery_cpu_ms_per_request']:.2f} celery")
    return " + ".join(parts)


def markdown(figures: dict[str, Any]) -> str:
    """The tables for BENCHMARKS.md and docs/benchmarks/serving.md: one row per model."""
    settings = figures.get("settings", {})
    lines = [
        f"{figures.get('date', '')}; {settings.get('rounds')} alternating rounds of {settings.get('seconds')} s, "
        f"wrk {settings.get('wrk_threads')} threads / {settings.get('connections')} connections, "
        f"Keel gunicorn {settings.get('workers')} x {settings.get('worker_class')}"
        + (f" {settings['gunicorn_args']}" if settings.get("gunicorn_args") else "")
        + f", MLflow -w {settings.get('workers')}; load average {' '.join(figures.get('loadavg_at_start', []))} "
        f"at the start. Medians over rounds; Keel CPU is its server + its Postgres backends (+ Celery).",
        "",
        "| model | Keel engine | Keel req/s | MLflow req/s | Keel / MLflow | Keel p50 / p99 ms | MLflow p50 / p99 ms "
        "| Keel CPU ms/req | MLflow CPU ms/req | MLflow / Keel CPU |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for model in figures.get("models", []):
        keel, mlflow = model.get("keel", {}), model.get("mlflow", {})
        mlflow_cpu = mlflow.get("total_cpu_ms_per_request")
        lines.append(
            f"| {model['name']} | {model.get('engine', '-')} | {_num(keel.get('rps'))} | {_num(mlflow.get('rps'))} "
            f"| {_ratio(keel.get('rps'), mlflow.get('rps'))} "
            f"| {_num(keel.get('p50_ms'), 2)} / {_num(keel.get('p99_ms'), 1)} "
            f"| {_num(mlflow.get('p50_ms'), 2)} / {_num(mlflow.get('p99_ms'), 1)} "
            f"| {keel_cpu_label(keel)} | {_num(mlflow_cpu, 2)} "
            f"| {_ratio(mlflow_cpu, keel.get('total_cpu_ms_per_request'))} |"
        )
    lines += [
        "",
        "| model | 1 connection p50 ms, Keel / MLflow | batch of 100: rows/s, Keel / MLflow | Keel req/s per round "
        "| MLflow req/s per round | Keel connections (CPU %) per worker, per round | labels differing |",
        "|---|---:|---:|---|---|---|---|",
    ]
    for model in figures.get("models", []):
        keel, mlflow = model.get("keel", {}), model.get("mlflow", {})
        one_k, one_m = model.get("keel_one_connection", {}), model.get("mlflow_one_connection", {})
        batch_k, batch_m = model.get("keel_batch", {}), model.get("mlflow_batch", {})
        mismatches = model.get("label_mismatches", {})
        differing = ", ".join(f"{k} {v}" for k, v in mismatches.items() if k != "rows")
        lines.append(
            f"| {model['name']} | {_num(one_k.get('p50_ms'), 2)} / {_num(one_m.get('p50_ms'), 2)} "
            f"| {_num(batch_k.get('rows_per_s'), 0)} / {_num(batch_m.get('rows_per_s'), 0)} "
            f"| {' / '.join(f'{v:.0f}' for v in keel.get('rounds_rps', []))} "
            f"| {' / '.join(f'{v:.0f}' for v in mlflow.get('rounds_rps', []))} "
            f"| {'; '.join(keel.get('splits', []))} "
            f"| {differing} of {mismatches.get('rows', '-')} |"
        )
    errors = [
        f"{model['name']} {side}: {model[side]['errors']}"
        for model in figures.get("models", [])
        for side in ("keel", "mlflow")
        if model.get(side, {}).get("errors")
    ]
    if errors:
        lines += ["", "Errors: " + "; ".join(errors)]
    return "\n".join(lines) + "\n"


# --- extras: the audit log's cost, rollback propagation, a profile -------------------------------------------------


def median_result(results: list[WrkResult]) -> WrkResult:
    """The median run by req/s (the lower middle one for an even count), as measured rather than a blend."""
    return sorted(results, key=lambda r: r.rps)[(len(results) - 1) // 2]


def log_overhead(ctx: Context, deployed: Deployed) -> dict[str, Any]:
    """Throughput with the prediction log written (Keel as shipped) against the same server with the write skipped
    (KEEL_BENCH_SKIP_PREDICTION_LOG), alternating rounds."""
    args = ctx.args
    print(f"audit-log cost: {args.log_overhead} alternating rounds, logged vs not logged", flush=True)
    servers = {
        "logged": keel_server(args, ctx.env, args.worker_class, None).start(),
        "unlogged": keel_server(
            args, ctx.env | {"KEEL_BENCH_SKIP_PREDICTION_LOG": "true"}, args.worker_class, None
        ).start(),
    }
    runs: dict[str, list[WrkResult]] = {"logged": [], "unlogged": []}
    body = deployed.bodies["keel_one"]
    try:
        for server in servers.values():
            warm(server.base + deployed.predict_url, body, ctx.auth, args.workers)
        for index in range(args.log_overhead):
            order = ["logged", "unlogged"] if index % 2 == 0 else ["unlogged", "logged"]
            for name in order:
                server = servers[name]
                label = f"keel 1 row, log {'written' if name == 'logged' else 'skipped'}"
                url = server.base + deployed.predict_url
                runs[name].append(
                    wrk(
                        url,
                        body,
                        ctx.auth,
                        args.seconds,
                        args.connections,
                        args.wrk_threads,
                        label,
                        ctx.keel_meter(server),
                    )
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


def gunicorn_variants(ctx: Context, deployed: Deployed) -> list[dict[str, Any]]:
    """The first model on Keel under several gunicorn option sets (each added to the configured ones; later options
    win), one server each, in alternating rounds: how each spreads keep-alive connections over its workers."""
    args = ctx.args
    variants = [v.strip() for v in args.gunicorn_variants.split(";")]
    print(f"gunicorn variants: {variants}, {args.rounds} alternating rounds", flush=True)
    servers = []
    try:
        for variant in variants:
            options = argparse.Namespace(**{**vars(args), "gunicorn_args": f"{args.gunicorn_args} {variant}"})
            servers.append(keel_server(options, ctx.env, args.worker_class, None).start())
            warm(servers[-1].base + deployed.predict_url, deployed.bodies["keel_one"], ctx.auth, 2 * args.workers)
        runs: list[list[WrkResult]] = [[] for _ in variants]
        for index in range(args.rounds):
            for variant, server, results in zip(variants, servers, runs, strict=True):
                url = server.base + deployed.predict_url
                label = f"keel [{variant or 'as configured'}], round {index + 1}"
                meter = ctx.keel_meter(server)
                results.append(
                    wrk(
                        url,
                        deployed.bodies["keel_one"],
                        ctx.auth,
                        args.seconds,
                        args.connections,
                        args.wrk_threads,
                        label,
                        meter,
                    )
                )
    finally:
        for server in servers:
            server.stop()
    return [
        {"gunicorn_args": v, "model": deployed.artifact.name} | summarize(r)
        for v, r in zip(variants, runs, strict=True)
    ]


def variants_markdown(variants: list[dict[str, Any]]) -> str:
    """One row per gunicorn option set: medians, every round's req/s and how its connections split."""
    lines = [
        "| gunicorn options (added) | req/s | p50 / p99 ms | Keel CPU ms/req | req/s per round "
        "| connections (CPU %) per worker, per round |",
        "|---|---:|---:|---:|---|---|",
    ]
    for v in variants:
        lines.append(
            f"| `{v['gunicorn_args'] or 'as configured'}` | {_num(v['rps'])} | {_num(v['p50_ms'], 2)} / "
            f"{_num(v['p99_ms'], 1)} | {keel_cpu_label(v)} | {' / '.join(f'{r:.0f}' for r in v['rounds_rps'])} "
            f"| {'; '.join(v['splits'])} |"
        )
    return "\n".join(lines) + "\n"


@dataclass
class Answer:
    request_id: str
    sent: float
    received: float
    revision: int


def switch_times(ctx: Context, server: Server, deployed: Deployed, access_log: Path) -> list[dict[str, Any]]:
    """Deploy a second version then roll back, ``--switches`` times, under a steady predict load from 4 threads; per
    switch: whether any predict sent after the call returned got the old revision, and when each worker first
    answered with the new one."""
    artifact = deployed.artifact
    second = upload(ctx.api, artifact)  # the same file again: a new version, so a new revision to switch to
    base = server.base + deployed.predict_url.removesuffix("predict/")
    operator = ctx.api.session.headers["Authorization"]

    def predict_loop(stop: threading.Event, out: list[Answer]) -> None:
        while not stop.is_set():
            request_id, sent = uuid.uuid4().hex, time.monotonic()
            status, body = post(base + "predict/", {"inputs": artifact.rows[:1]}, ctx.auth, request_id)
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
            status, body = post(base + path, payload, str(operator))
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
    for _ in range(ctx.args.switches):
        out.append(timed("deploy/", {"strategy": "single", "model": artifact.name, "version": second["version"]}))
        out.append(timed("rollback/", {"reason": "benchmark"}))
    return out


BUCKETS = [  # (stage, a frame that marks it); a sample counts for the first stage whose frame is on its stack
    ("audit log insert (Postgres)", "(serving/prediction_log.py:"),
    ("model", "run_model (serving/inference.py:"),
    ("validation", "(serving/validation.py:"),
    ("routing table", "(serving/runtime.py:"),
    ("auth: token lookup", "(core/auth.py:"),
    ("permission: project + membership", "(core/permissions.py:"),
    ("throttle", "throttl"),
    ("JSON request parsing", "(rest_framework/parsers.py:"),
    ("JSON response rendering", "(rest_framework/renderers.py:"),
    ("Django + DRF: middleware, routing, dispatch (rest)", "WSGIHandler.__call__ ("),
    ("gunicorn: accept, parse request, write response", ""),
]


def summarize_profile(paths: list[Path]) -> dict[str, Any]:
    """Share of in-request samples (py-spy raw output of a sync worker) by hot-path stage, and the top leaf frames.
    Each sample is counted once, for the first stage in BUCKETS whose frame is on its stack."""
    stacks: Counter[str] = Counter()
    for path in paths:
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if stack and count.isdigit():
                stacks[stack] += int(count)
    in_request = {s: n for s, n in stacks.items() if "handle_request (" in s}
    total = sum(in_request.values()) or 1
    shares: Counter[str] = Counter()
    leaf_frames: Counter[str] = Counter()
    for stack, n in in_request.items():
        shares[next(label for label, needle in BUCKETS if needle in stack)] += n
        leaf_frames[stack.split(";")[-1]] += n
    return {
        "samples_in_request": total,
        "samples_total": sum(stacks.values()),
        "share_of_request_pct": {k: round(100 * v / total, 1) for k, v in shares.most_common()},
        "top_leaf_frames_pct": {k: round(100 * v / total, 1) for k, v in leaf_frames.most_common(15)},
    }


def profile(ctx: Context, server: Server, deployed: Deployed) -> dict[str, Any]:
    """Sample every worker under load twice: wall time (--idle: waits on Postgres and Redis included) and CPU time
    (running threads only)."""
    args = ctx.args
    url = server.base + deployed.predict_url
    out_dir = Path(args.work_dir)
    summaries: dict[str, Any] = {}
    for mode, extra in (("wall", ["--idle"]), ("cpu", [])):
        load = threading.Thread(
            target=wrk,
            args=(url, deployed.bodies["keel_one"], ctx.auth, args.profile + 4, args.connections, args.wrk_threads),
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


def main() -> None:
    args = parse_args()
    PLACEMENT.update(server=args.server_cpus, wrk=args.wrk_cpus)
    with PostgresPlacement(args.postgres_cpus):
        run(args)


def run(args: argparse.Namespace) -> None:
    work = Path(args.work_dir)
    subprocess.run(["rm", "-rf", str(work)], check=True)
    work.mkdir(parents=True)
    env = keel_env(args)
    os.environ.update(env)
    started = time.time()
    figures: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "loadavg_at_start": Path("/proc/loadavg").read_text().split()[:3],
        "settings": {
            k: getattr(args, k)
            for k in (
                "kinds",
                "artifact",
                "seconds",
                "rounds",
                "connections",
                "wrk_threads",
                "workers",
                "worker_class",
                "gunicorn_args",
                "balance",
                "batch",
                "celery",
                "server_cpus",
                "wrk_cpus",
                "postgres_cpus",
            )
        },
        "models": [],
    }
    print(f"database {args.db_url}: recreate and migrate", flush=True)
    recreate_database(args.db_url)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    token = bootstrap_owner()
    if args.artifact:
        artifacts = [artifact_from_file(args.kinds[0], args.artifact, Path(args.artifact).resolve(), args.data)]
    else:
        print(f"fitting {', '.join(args.kinds)} and writing skops files", flush=True)
        artifacts = [write_artifact(kind, work) for kind in args.kinds]

    celery = celery_worker(args, env).start() if args.celery else None
    keel = keel_server(args, env, args.worker_class, None).start()
    deployed: list[Deployed] = []
    try:
        api = Api(keel.base, token)
        project = {"slug": PROJECT, "name": "Serving benchmark", "require_human_approval": False}
        api.call("POST", "/api/v1/projects/", expect=201, json=project)
        account = api.call("POST", f"/api/v1/projects/{PROJECT}/service-accounts/", expect=201, json={"name": "bench"})
        ctx = Context(args, env, keel, celery, api, f"Bearer {account['token']['token']}")
        for artifact in artifacts:
            deployed.append(deploy(ctx, artifact))
            if not args.only_extras:
                figures["models"].append(measure(ctx, deployed[-1]))
                write_out(figures, started, args)  # a partial record survives a failure further on
        keel.stop()
        if args.gunicorn_variants:
            figures["gunicorn_variants"] = gunicorn_variants(ctx, deployed[0])
            write_out(figures, started, args)
        if args.log_overhead:
            figures["log_overhead"] = log_overhead(ctx, deployed[0])
        if args.switches:
            print(f"rollback propagation ({args.switches} deploy + rollback pairs)", flush=True)
            log = work / "switch-access.log"
            server = keel_server(args, env, args.worker_class, log).start()
            try:
                warm(server.base + deployed[0].predict_url, deployed[0].bodies["keel_one"], ctx.auth, args.workers)
                figures["switches"] = switch_times(ctx, server, deployed[0], log)
            finally:
                server.stop()
        if args.profile:
            print(f"profiling the Keel workers for {args.profile} s under load", flush=True)
            server = keel_server(args, env, args.profile_worker_class, None).start()
            try:
                warm(server.base + deployed[0].predict_url, deployed[0].bodies["keel_one"], ctx.auth, args.workers)
                figures["profile"] = profile(ctx, server, deployed[0]) | {"worker_class": args.profile_worker_class}
            finally:
                server.stop()
    finally:
        keel.stop()
        if celery is not None:
            celery.stop()
    write_out(figures, started, args)
    report(figures)


def write_out(figures: dict[str, Any], started: float, args: argparse.Namespace) -> None:
    """Close the record of a run (load average at the end, elapsed time) and write the JSON and Markdown asked for."""
    figures["loadavg_at_end"] = Path("/proc/loadavg").read_text().split()[:3]
    figures["elapsed_s"] = round(time.time() - started, 1)
    if args.out:
        Path(args.out).write_text(json.dumps(figures, indent=2))
    if args.markdown:
        text = markdown(figures) if figures["models"] else ""
        if "gunicorn_variants" in figures:
            text += "\n" + variants_markdown(figures["gunicorn_variants"])
        Path(args.markdown).write_text(text)


def machine() -> dict[str, Any]:
    import platform

    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    versions = {}
    for module in ("django", "gunicorn", "sklearn", "onnxruntime", "pandas", "mlflow", "uvicorn", "psycopg"):
        try:
            versions[module] = __import__(module).__version__
        except (ImportError, AttributeError):
            versions[module] = "?"
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split(" [")[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "kernel": platform.release(),
        "wrk": wrk_version,
        **versions,
    }


def report(figures: dict[str, Any]) -> None:
    print()
    if figures["models"]:
        print(markdown(figures))
    if "gunicorn_variants" in figures:
        print(variants_markdown(figures["gunicorn_variants"]))
    if "log_overhead" in figures:
        overhead = figures["log_overhead"]
        print(
            f"audit log: {overhead['logged']['rps']:.0f} req/s written vs {overhead['unlogged']['rps']:.0f} skipped "
            f"({100 * overhead['throughput_loss']:.0f} % loss)"
        )
    for switch in figures.get("switches", []):
        print("switch: " + json.dumps(switch))
    if "profile" in figures:
        print("profile:", json.dumps(figures["profile"], indent=2))
    print(f"elapsed {figures['elapsed_s']} s")


if __name__ == "__main__":
    main()
