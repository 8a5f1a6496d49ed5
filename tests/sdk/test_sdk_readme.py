"""The SDK's README (clients/python/README.md) and the main README's SDK example, run verbatim against a live Keel
seeded with the demo's names: project `demo-breast-cancer`, deployment `diagnosis-api` serving a breast cancer
model. Only KEEL_URL and KEEL_TOKEN come from the test, as the READMEs say."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from core import services as core_services
from core.models import User
from registry.models import ModelVersion
from serving.services import deployment_create
from tests.registry.models_helpers import make_version

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def python_blocks(path: Path, section: str | None = None) -> str:
    text = path.read_text()
    if section is not None:
        text = text[text.index(section) :]
        text = text[: text.index("\n## ", 3)]
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, path
    return "\n".join(blocks)


def _demo_names(alice: User) -> None:
    project = core_services.project_create(user=alice, slug="demo-breast-cancer", name="Breast cancer")
    version = make_version(project, alice, name="diagnosis")
    ModelVersion.objects.filter(pk=version.pk).update(approval="approved")
    version.refresh_from_db()
    deployment_create(project=project, user=alice, name="diagnosis-api", version=version)


def _run(code: str, live, tmp_path: Path) -> str:
    script = tmp_path / "example.py"
    script.write_text(code)
    env = {**os.environ, "KEEL_URL": live.url, "KEEL_TOKEN": live.token}
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, (done.stdout[-3000:], done.stderr[-3000:])
    return done.stdout


def test_the_sdk_readme_runs_against_the_demo_names(live_keel, tmp_path):
    _demo_names(User.objects.get(username="alice"))
    out = _run(python_blocks(ROOT / "clients" / "python" / "README.md"), live_keel, tmp_path)
    lines = out.splitlines()
    assert "demo-breast-cancer classification owner" in lines  # list projects
    assert re.search(r"^\[0\] \[UUID\('[0-9a-f-]{36}'\)\] \S+ 1$", out, re.M), out  # predict (row 0: malignant)
    assert "1" in lines  # feedback recorded
    assert re.search(r"^400 .+\n  inputs\[0\]\.mean_radius: must be a number", out, re.M), out  # field error
    assert re.search(r"^404 ", out, re.M), out
    assert lines[-1] == "[1, 2]"  # async: two calls at once


def test_the_main_readme_sdk_example_runs_against_the_demo_names(live_keel, tmp_path):
    _demo_names(User.objects.get(username="alice"))
    out = _run(python_blocks(ROOT / "README.md", "## Python SDK and CLI"), live_keel, tmp_path)
    assert re.match(r"^\[0\] \[UUID\('[0-9a-f-]{36}'\)\]$", out.strip()), out
