"""The README's CLI walkthrough ("Python SDK and CLI"), run verbatim with bash against a live Keel (web server and
Celery worker) holding what `manage.py demo` creates: only the server URL and the token of its first line are
replaced (by the live server's and the token the demo printed)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from config.celery import app as celery_app
from serving.models import Feedback

pytestmark = pytest.mark.integration

README = Path(__file__).resolve().parents[2] / "README.md"
PLACEHOLDER = "KEEL_URL=http://127.0.0.1:8000 KEEL_TOKEN=keel_..."


def _walkthrough() -> str:
    text = README.read_text()
    section = text[text.index("## Python SDK and CLI") :]
    section = section[: section.index("\n## ", 3)]
    blocks = [body for body in re.findall(r"```bash\n(.*?)```", section, re.S) if PLACEHOLDER in body]
    assert len(blocks) == 1, "the walkthrough starts with: export " + PLACEHOLDER
    return "set -euo pipefail\n" + blocks[0]


def test_the_cli_walkthrough_runs_verbatim_against_the_demo(live_keel_worker, tmp_path):
    live_keel = live_keel_worker  # training jobs run on the worker
    script = _walkthrough()
    demo = StringIO()
    eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, True  # the demo's tasks run here
    try:
        call_command("demo", stdout=demo)
    finally:
        celery_app.conf.task_always_eager = eager
    token = re.search(r"API token:\s+(keel_\S+)", demo.getvalue())
    assert token, demo.getvalue()[-2000:]
    script = script.replace(PLACEHOLDER, f"KEEL_URL={live_keel.url} KEEL_TOKEN={token.group(1)}")
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env["COLUMNS"] = "200"
    env.pop("KEEL_PROJECT", None)
    feedback_before = Feedback.objects.count()
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    out = done.stdout
    assert done.returncode == 0, (out[-3000:], done.stderr[-3000:])
    assert "demo-breast-cancer" in out and "breast-cancer" in out and "diagnosis" in out
    assert "3 run(s)" in out, out[-3000:]  # the demo's two and the walkthrough's
    assert "metrics.f1_macro" in out and "params.estimator" in out, out[-3000:]  # runs search, then compare
    assert re.search(r"\b(malignant|benign)\b.*diagnosis v\d", out), out[-3000:]  # the prediction table
    assert Feedback.objects.count() == feedback_before + 1
    assert "feature-drift" in out and "worst_area" in out, out[-3000:]  # the demo's alert and drift report
    assert "diagnosis-api" in (tmp_path / "keel.yaml").read_text()
    assert yaml.safe_load((tmp_path / "keel.yaml").read_text())
    assert "Wrote keel.yaml" in done.stderr
    assert "project demo-breast-cancer: no changes" in out, out[-2000:]  # the export round-trips
