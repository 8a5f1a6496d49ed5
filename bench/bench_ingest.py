"""Dataset ingest benchmark: Keel's upload (hash, parse, schema, profile, ~10 rules, store) against
`pandas.read_csv` alone on the same file, side by side, each in a fresh process so peak RSS is comparable.

Usage: uv run python bench/bench_ingest.py [rows ...]     (default: 10000 100000 1000000; 30 numeric columns)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = 30


def make_csv(rows: int, folder: Path) -> Path:
    import numpy as np
    import pandas as pd

    path = folder / f"numeric_{rows}x{COLUMNS}.csv"
    if not path.exists():
        rng = np.random.default_rng(0)
        frame = pd.DataFrame(rng.normal(size=(rows, COLUMNS)).round(6), columns=[f"f{i}" for i in range(COLUMNS)])
        frame.to_csv(path, index=False)
    return path


PANDAS = """
import json, resource, sys, time
import pandas as pd
t = time.perf_counter()
frame = pd.read_csv(sys.argv[1])
wall = time.perf_counter() - t
print(json.dumps({"wall": wall, "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "frame_mb": frame.memory_usage(deep=True).sum() / 2**20}))
"""

KEEL = """
import json, os, resource, sys, time
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from core import services
from core.models import User
from registry.models import Dataset, ValidationRule
from registry.services.datasets import dataset_version_upload
user = User.objects.create_user("bench")
project = services.project_create(user=user, slug="bench", name="bench")
dataset = Dataset.objects.create(project=project, name="numbers", created_by=user)
rules = [("column_present", "f0", {}), ("column_type", "f1", {"kind": "numeric"}), ("not_null", "f2", {}),
         ("range", "f3", {"min": -10, "max": 10}), ("statistic", "f4", {"statistic": "mean", "min": -1, "max": 1}),
         ("statistic", "f5", {"statistic": "std", "min": 0.5, "max": 1.5}), ("row_count", "", {"min": 1}),
         ("not_null", "f6", {"mostly": 0.99}), ("range", "f7", {"min": -20}), ("no_duplicate_rows", "", {})]
for kind, column, params in rules:
    ValidationRule.objects.create(dataset=dataset, kind=kind, column=column, params=params)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t = time.perf_counter()
with open(sys.argv[1], "rb") as handle:
    result = dataset_version_upload(project=project, user=user, dataset_name="numbers", fileobj=handle,
                                    filename="numbers.csv")
wall = time.perf_counter() - t
assert result.created and result.version.status == "valid", result.version.status
print(json.dumps({"wall": wall, "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "baseline_mb": base}))
"""


def run(code: str, path: Path, env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000]
    folder = Path(tempfile.gettempdir()) / "keel-bench"
    folder.mkdir(exist_ok=True)
    print(
        f"{'rows':>9} {'MB':>7} {'pandas s':>9} {'keel s':>8} {'ratio':>6} {'frame MB':>9} {'keel peak MB':>13}"
        f" {'peak/frame':>10}"
    )
    for rows in sizes:
        path = make_csv(rows, folder)
        with tempfile.TemporaryDirectory() as data_dir:
            env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_"))}
            env.update({"KEEL_DATA_DIR": data_dir})
            base = run(PANDAS, path, env)
            keel = run(KEEL, path, env)
        # Peak attributable to ingest: the process's peak minus what Django had before the upload began.
        ingest_peak = keel["maxrss_mb"] - keel["baseline_mb"]
        print(
            f"{rows:>9} {path.stat().st_size / 2**20:>7.1f} {base['wall']:>9.2f} {keel['wall']:>8.2f}"
            f" {keel['wall'] / base['wall']:>6.2f} {base['frame_mb']:>9.1f} {ingest_peak:>13.1f}"
            f" {ingest_peak / base['frame_mb']:>10.2f}"
        )
    time.sleep(0)


if __name__ == "__main__":
    main()
