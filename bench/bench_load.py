"""Load benchmark: a locust scenario (bench/locustfile.py) against Keel under gunicorn, headless, bounded in time.

Seeds a project with two trained, approved versions behind an A/B deployment (50/50), starts gunicorn (2 workers)
on loopback, runs locust headless for N seconds (predict with A/B routing keys and feedback, dashboard and API
reads), and reports throughput, p50/p95/p99 and the error rate per request kind, plus the resident memory (RSS) of
each gunicorn worker sampled every second, to show memory stays flat.

Run by hand (a scratch database is dropped and migrated at the start)::

    uv run python bench/bench_load.py --duration 120 --users 8
    uv run python bench/bench_load.py --duration 20 --out /tmp/load.json

A short run is part of the test suite (tests/reliability/test_load_bench.py: error rate 0, bounded RSS growth).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_serving import cancer_frame, fit, free_port, keel_env, recreate_database  # noqa: E402


@dataclass
class Seed:
    slug: str
    deployment: str
    token: str
    username: str
    password: str
    rows_file: str


@dataclass
class RssSampler:
    master: int
    samples: list[tuple[float, dict[int, int]]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.master}/task/{self.master}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []

    @staticmethod
    def rss_kb(pid: int) -> int:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def _run(self) -> None:
        started = time.monotonic()
        while not self._stop.wait(1.0):
            try:
                self.samples.append((time.monotonic() - started, {p: self.rss_kb(p) for p in self.workers()}))
            except OSError:
                continue

    def start(self) -> None:
        threading.Thread(target=self._run, daemon=True).start()

    def stop(self) -> dict[str, Any]:
        self._stop.set()
        return rss_summary(self.samples)


def rss_summary(samples: list[tuple[float, dict[int, int]]]) -> dict[str, Any]:
    """Per worker: RSS after the first third of the run (warm) and at the end; growth in MB between them."""
    if not samples:
        return {"workers": {}, "max_growth_mb": None}
    warm_index = len(samples) // 3
    warm, last = samples[warm_index][1], samples[-1][1]
    workers = {}
    for pid in sorted(set(warm) & set(last)):
        peak = max(s[1].get(pid, 0) for s in samples)
        workers[str(pid)] = {
            "warm_mb": round(warm[pid] / 1024, 1),
            "end_mb": round(last[pid] / 1024, 1),
            "peak_mb": round(peak / 1024, 1),
            "growth_mb": round((last[pid] - warm[pid]) / 1024, 1),
        }
    growth = max((w["growth_mb"] for w in workers.values()), default=None)
    return {"samples": len(samples), "workers": workers, "max_growth_mb": growth}


def seed(slug: str = "bench-load", work: Path | None = None) -> Seed:
    """A project, an owner with a password and a token, two approved versions and an A/B deployment (Django set up)."""
    from core import services as core_services
    from core.models import User
    from core.storage import blob_put_bytes
    from registry.model_io import save_pipeline
    from registry.models import ModelVersion
    from registry.services.models import model_version_create, registered_model_get_or_create
    from serving import services
    from serving.services import VariantSpec

    frame = cancer_frame()
    password = secrets.token_urlsafe(18)
    owner = User.objects.create_user(username=f"{slug}-owner", password=password)
    project = core_services.project_create(user=owner, slug=slug, name="Load bench")
    issued = core_services.api_token_create(user=owner, name=f"{slug}-token", default_project=project)
    model = registered_model_get_or_create(project=project, user=owner, name="cancer")
    versions = []
    for c in (1.0, 0.05):
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
        ModelVersion.objects.filter(pk=version.pk).update(approval="approved")
        version.refresh_from_db()
        versions.append(version)
    deployment = services.deployment_create(project=project, user=owner, name="api", version=versions[0])
    services.deploy_ab_test(
        deployment=deployment,
        user=owner,
        variants=[VariantSpec("a", versions[0], 50.0), VariantSpec("b", versions[1], 50.0)],
        reason="load benchmark",
    )
    features = frame.drop(columns=["target"])
    rows = [{k: float(v) for k, v in row.items()} for row in features.to_dict(orient="records")]
    directory = work or Path(tempfile.mkdtemp(prefix="keel-load-"))
    directory.mkdir(parents=True, exist_ok=True)
    rows_file = directory / "rows.json"
    rows_file.write_text(json.dumps(rows))
    return Seed(project.slug, "api", issued.secret, owner.username, password, str(rows_file))


# a worker booting on a busy machine must not be killed mid-import: a generous --timeout
GUNICORN = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]


def start_gunicorn(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [*GUNICORN, "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "120"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=2) as response:
                if response.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    raise TimeoutError("gunicorn did not answer /livez")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait(timeout=10)


def run_locust(host: str, seed_: Seed, duration: int, users: int, spawn_rate: float, work: Path) -> dict[str, Any]:
    prefix = work / "locust"
    env = dict(os.environ) | {
        "KEEL_BENCH_PROJECT": seed_.slug,
        "KEEL_BENCH_DEPLOYMENT": seed_.deployment,
        "KEEL_BENCH_TOKEN": seed_.token,
        "KEEL_BENCH_USERNAME": seed_.username,
        "KEEL_BENCH_PASSWORD": seed_.password,
        "KEEL_BENCH_ROWS": seed_.rows_file,
    }
    args = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless"]
    args += ["-u", str(users), "-r", str(spawn_rate), "-t", f"{duration}s", "--host", host, "--csv", str(prefix)]
    args += ["--only-summary", "--stop-timeout", "10", "--exit-code-on-error", "0", "--loglevel", "WARNING"]
    with (work / "locust.log").open("wb") as log:
        subprocess.run(
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=True, timeout=duration + 120
        )
    stats = parse_stats(Path(f"{prefix}_stats.csv"))
    with Path(f"{prefix}_failures.csv").open() as handle:
        stats["failures"] = [
            {"name": row["Name"], "error": row["Error"][:300], "occurrences": int(row["Occurrences"])}
            for row in csv.DictReader(handle)
        ]
    return stats


def parse_stats(path: Path) -> dict[str, Any]:
    kinds: dict[str, Any] = {}
    with path.open() as handle:
        for row in csv.DictReader(handle):
            requests, failures = int(row["Request Count"]), int(row["Failure Count"])
            kinds[row["Name"]] = {
                "requests": requests,
                "failures": failures,
                "rps": round(float(row["Requests/s"]), 2),
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
                "p99_ms": float(row["99%"] or 0),
                "error_rate": round(failures / requests, 6) if requests else 0.0,
            }
    return {"total": kinds.pop("Aggregated", {}), "by_kind": kinds}


STATIC_ROOT = ROOT / "data" / "bench-static"


def collect_static(env: dict[str, str]) -> None:
    """The login page and dashboard need the static manifest production builds (as the Dockerfile does)."""
    if (STATIC_ROOT / "staticfiles.json").exists():
        return
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"]
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=600)


def measure(
    env: dict[str, str], seed_: Seed, *, duration: int, users: int, workers: int = 2, work: Path | None = None
) -> dict[str, Any]:
    """Start gunicorn on a free loopback port, run locust headless for ``duration`` s, sample worker RSS."""
    work = work or Path(tempfile.mkdtemp(prefix="keel-load-"))
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = env | {  # plain http on loopback: cookies must not be marked Secure or the dashboard login is lost
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SESSION_COOKIE_SECURE": "false",
        "DJANGO_CSRF_COOKIE_SECURE": "false",
        "KEEL_THROTTLE_USER": env.get("KEEL_THROTTLE_USER", "1000000/s"),
        "DJANGO_STATIC_ROOT": str(STATIC_ROOT),
    }
    collect_static(env)
    server = start_gunicorn(env, port, workers, work / "gunicorn.log")
    sampler = RssSampler(server.pid)
    try:
        sampler.start()
        stats = run_locust(f"http://127.0.0.1:{port}", seed_, duration, users, max(1.0, users / 2), work)
    finally:
        rss = sampler.stop()
        stop(server)
    return {"duration_s": duration, "users": users, "workers": workers, **stats, "rss": rss}


def print_report(figures: dict[str, Any]) -> None:
    print(f"\n{figures['users']} users, {figures['duration_s']} s, {figures['workers']} gunicorn workers")
    print(f"{'request':<22}{'count':>8}{'fail':>6}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for name, row in [*figures["by_kind"].items(), ("ALL", figures["total"])]:
        print(
            f"{name:<22}{row['requests']:>8}{row['failures']:>6}{row['rps']:>9}"
            f"{row['p50_ms']:>9.0f}{row['p95_ms']:>9.0f}{row['p99_ms']:>9.0f}"
        )
    rss = figures["rss"]
    for pid, worker in rss["workers"].items():
        print(f"worker {pid}: RSS warm {worker['warm_mb']} MB -> end {worker['end_mb']} MB (peak {worker['peak_mb']})")
    print(f"error rate {figures['total'].get('error_rate')}; max RSS growth after warm-up {rss['max_growth_mb']} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=120, help="seconds of load")
    parser.add_argument("--users", type=int, default=8, help="concurrent locust users")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--db-url", default="postgres://postgres@127.0.0.1:5432/keel_bench_load")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--throttle", default="1000000/s")
    parser.add_argument("--work-dir", default="/tmp/keel-bench-load")
    parser.add_argument("--out", default="", help="write the figures as JSON here too")
    args = parser.parse_args()
    work = Path(args.work_dir)
    subprocess.run(["rm", "-rf", str(work)], check=True)
    work.mkdir(parents=True)
    env = keel_env(args)
    os.environ.update(env)
    print(f"database {args.db_url}: recreate and migrate", flush=True)
    recreate_database(args.db_url)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    import django

    django.setup()
    from django.core.cache import cache

    cache.clear()
    seeded = seed(work=work)
    figures = measure(env, seeded, duration=args.duration, users=args.users, workers=args.workers, work=work)
    figures["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    figures["loadavg"] = Path("/proc/loadavg").read_text().split()[:3]
    print_report(figures)
    if args.out:
        Path(args.out).write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
