"""Agreement with Evidently: Keel's column verdicts, on the raw and on the scheduled (sketched) path, against
Evidently's DataDriftPreset on the same frames, over generated scenarios.

Evidently runs in a subprocess with its own pinned environment (``bench/requirements-evidently.txt``, created once
with uv in the user cache by ``bench/bench_drift_evidently.ensure_evidently_venv``); column types are passed to it
explicitly, as Keel's profile has them, and its answers are cached per case content. Every disagreement is printed
with both statistics.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from monitoring.drift import compute_report, compute_report_scheduled, profile_column_from_values

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from bench_drift_evidently import ensure_evidently_venv, evidently_venv_dir  # noqa: E402

pytestmark = pytest.mark.integration

TARGET = 0.99
REFERENCE_ROWS = (500, 20_000)
CURRENT_ROWS = 3_000
SHIFTS = {"none": 0.0, "subtle": 0.05, "moderate": 0.2, "strong": 0.6}
SEEDS = (0, 1, 2)
MINUTES = 60
Rng = np.random.Generator


@dataclass(frozen=True)
class Kind:
    """A generated column: Keel's kind, Evidently's type, and values for a shift level (0 = the reference's)."""

    keel: str
    evidently: str
    draw: Callable[[Rng, int, float], Any]


def _levels(k: int) -> list[str]:
    return [f"level_{i:03d}" for i in range(k)]


def _categorical(k: int, concentration: float) -> Callable[[Rng, int, float], Any]:
    base = np.arange(1, k + 1, dtype=float) ** -concentration
    base /= base.sum()
    other = base[::-1]

    def draw(rng: Rng, n: int, shift: float) -> Any:
        p = (1 - shift) * base + shift * other
        return rng.choice(_levels(k), size=n, p=p / p.sum()).astype(object)

    return draw


def _with_missing(draw: Callable[[Rng, int, float], Any], share: float) -> Callable[[Rng, int, float], Any]:
    def missing(rng: Rng, n: int, shift: float) -> Any:
        values = np.asarray(draw(rng, n, shift), dtype=float)
        values[rng.random(n) < share + shift / 4] = np.nan
        return values

    return missing


def _zero_inflated(rng: Rng, n: int, shift: float) -> Any:
    values = rng.lognormal(1.0 + shift, 0.8, n)
    values[rng.random(n) < 0.7 - shift / 2] = 0.0
    return values


def _boolean(rng: Rng, n: int, shift: float) -> Any:
    return rng.random(n) < 0.3 + shift / 3


KINDS: dict[str, Kind] = {
    "normal": Kind("numeric", "num", lambda rng, n, s: rng.normal(50 + 10 * s, 10, n)),
    "wide_normal": Kind("numeric", "num", lambda rng, n, s: rng.normal(15 * s, 15 * (1 + s / 2), n)),
    "lognormal": Kind("numeric", "num", lambda rng, n, s: rng.lognormal(s, 1.0, n)),
    "poisson": Kind("integer", "num", lambda rng, n, s: rng.poisson(3.0 * (1 + s), n)),
    "four_ints": Kind(
        "integer", "num", lambda rng, n, s: rng.choice([1, 2, 3, 4], n, p=np.array([4 - s, 3, 2, 1 + s]) / 10)
    ),
    "uniform": Kind("numeric", "num", lambda rng, n, s: rng.uniform(100 * s / 3, 100, n)),
    "skewed": Kind("numeric", "num", lambda rng, n, s: rng.gamma(2.0 + s, 2.0, n)),
    "heavy_tailed": Kind("numeric", "num", lambda rng, n, s: rng.standard_t(2.0, n) + s),
    "zero_inflated": Kind("numeric", "num", _zero_inflated),
    "with_missing": Kind("numeric", "num", _with_missing(lambda rng, n, s: rng.normal(s, 1.0, n), 0.1)),
    "cat3": Kind("categorical", "cat", _categorical(3, 0.5)),
    "cat12": Kind("categorical", "cat", _categorical(12, 1.0)),
    "cat_high": Kind("categorical", "cat", _categorical(300, 0.8)),
    "flag": Kind("boolean", "cat", _boolean),
}


@dataclass(frozen=True)
class Case:
    id: str
    reference: pd.DataFrame
    current: pd.DataFrame


def _frame(rng: Rng, n: int, shift: float, kinds: dict[str, Kind]) -> pd.DataFrame:
    return pd.DataFrame({name: kind.draw(rng, n, shift) for name, kind in kinds.items()})


def scenarios() -> list[Case]:
    cases = []
    for rows in REFERENCE_ROWS:
        for label, shift in SHIFTS.items():
            for seed in SEEDS:
                rng = np.random.default_rng([rows, seed, int(shift * 100)])
                reference, current = _frame(rng, rows, 0.0, KINDS), _frame(rng, CURRENT_ROWS, shift, KINDS)
                cases.append(Case(f"ref{rows}-{label}-seed{seed}", reference, current))
    rng = np.random.default_rng(99)
    reference, current = _frame(rng, 500, 0.0, KINDS), _frame(rng, CURRENT_ROWS, 0.0, KINDS)
    current["normal"] = np.nan  # an all-missing window for a numeric and a categorical column
    current["cat3"] = None
    cases.append(Case("ref500-all-missing", reference, current))
    return cases


def _profile(frame: pd.DataFrame) -> dict[str, Any]:
    columns = [profile_column_from_values(name, frame[name].tolist(), KINDS[name].keel) for name in frame.columns]
    return {"columns": columns}


def _case_key(case: Case) -> str:
    """Identifies Evidently's answer for a case: the frames' content, the pinned requirements and the child's code."""
    digest = hashlib.sha256()
    for frame in (case.reference, case.current):
        digest.update(",".join(frame.columns).encode())
        digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    digest.update(json.dumps({n: (k.keel, k.evidently) for n, k in KINDS.items()}).encode())
    for path in (ROOT / "bench" / "requirements-evidently.txt", ROOT / "bench" / "bench_drift_evidently.py"):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def _evidently(cases: list[Case], work: Path) -> dict[str, Any]:
    """Evidently's verdicts per case, from its own environment; answers are cached by ``_case_key`` beside that
    environment, so a rerun on unchanged frames only recomputes Keel's side."""
    python = ensure_evidently_venv()
    cache = evidently_venv_dir().with_name("agreement-answers")
    cache.mkdir(parents=True, exist_ok=True)
    keys = {case.id: _case_key(case) for case in cases}
    answers = {
        c.id: json.loads((cache / f"{keys[c.id]}.json").read_text())
        for c in cases
        if (cache / f"{keys[c.id]}.json").exists()
    }
    listing = []
    for case in (c for c in cases if c.id not in answers):
        ref_path, cur_path = work / f"{case.id}-reference.parquet", work / f"{case.id}-current.parquet"
        case.reference.to_parquet(ref_path)
        case.current.to_parquet(cur_path)
        numerical = [n for n, k in KINDS.items() if k.evidently == "num"]
        categorical = [n for n, k in KINDS.items() if k.evidently == "cat"]
        listing.append(
            {
                "id": case.id,
                "reference": str(ref_path),
                "current": str(cur_path),
                "numerical": numerical,
                "categorical": categorical,
                "answer": str(cache / f"{keys[case.id]}.json"),
            }
        )
    if listing:
        cases_file = work / "cases.json"
        cases_file.write_text(json.dumps(listing))
        script = ROOT / "bench" / "bench_drift_evidently.py"
        done = subprocess.run(
            [str(python), str(script), "--agreement-child", str(cases_file)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        fresh: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        answers.update(fresh)
    return answers


def _keel_verdict(column: dict[str, Any]) -> bool | None:
    return None if column["reason"] else bool(column["drifted"])


def _describe(column: dict[str, Any]) -> str:
    stat = column["p_value"] if column["p_value"] is not None else column["distance"]
    if column["reason"]:
        return f"not evaluated ({column['reason']})"
    return f"{column['method']} {stat:.4g} (rank error {column.get('rank_error') or 0:.4f})"


@pytest.mark.timeout(1200)  # Evidently's first run on a busy machine; answers are cached after that
def test_column_verdicts_agree_with_evidently_on_both_paths(tmp_path: Path) -> None:
    cases = scenarios()
    evidently = _evidently(cases, tmp_path)
    tallies = {"raw": [0, 0], "scheduled": [0, 0]}
    disagreements = []
    for case in cases:
        profile = _profile(case.reference)
        current = {name: case.current[name].tolist() for name in case.current.columns}
        reports = {"raw": compute_report(profile, current), "scheduled": compute_report_scheduled(profile, current)}
        theirs = evidently[case.id]
        for path, report in reports.items():
            for column in report["columns"]:
                other = (theirs.get("columns") or {}).get(column["name"], {"drifted": None, "method": "-"})
                mine = _keel_verdict(column)
                tallies[path][1] += 1
                if mine == other["drifted"]:
                    tallies[path][0] += 1
                    continue
                detail = theirs.get("error") or f"{other['method']} {other.get('value')}"
                disagreements.append(
                    f"{path:9} {case.id:24} {column['name']:13} keel {mine} {_describe(column)} | evidently "
                    f"{other['drifted']} {detail}"
                )
    print()
    for line in disagreements:
        print("DISAGREE", line)
    for path, (agree, total) in tallies.items():
        print(f"{path}: {agree} of {total} column verdicts agree with Evidently ({agree / total:.2%})")
    for path, (agree, total) in tallies.items():
        assert agree / total >= TARGET, f"{path}: {agree}/{total} agree"
