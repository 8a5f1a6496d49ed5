"""The README's "Bring your own model" section, run verbatim (bash and Python blocks in order) against a live Keel:
only the server URL and token of its first command are replaced by the live server's."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from registry.models import ModelVersion

pytestmark = pytest.mark.integration

README = Path(__file__).resolve().parents[2] / "README.md"
PLACEHOLDER = "KEEL_URL=http://127.0.0.1:8000 KEEL_TOKEN=keel_..."


def _section_script() -> str:
    text = README.read_text()
    section = text[text.index("## Bring your own model") :]
    section = section[: section.index("\n## ", 3)]
    lines = ["set -euo pipefail"]
    for language, body in re.findall(r"```(bash|python)\n(.*?)```", section, re.S):
        lines.append(f"python - <<'PYEOF'\n{body}PYEOF" if language == "python" else body)
    script = "\n".join(lines)
    assert PLACEHOLDER in script
    return script


def test_the_bring_your_own_model_section_runs_verbatim(live_keel, tmp_path):
    script = _section_script().replace(PLACEHOLDER, f"KEEL_URL={live_keel.url} KEEL_TOKEN={live_keel.token}")
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.pop("KEEL_PROJECT", None)
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, (done.stdout[-3000:], done.stderr[-3000:])
    for number, origin in ((2, "model.skops"), (3, "model.pkl"), (4, "mlflow-model")):  # v1: the curl upload
        assert f"Registered cancer v{number} from {origin}" in done.stdout, done.stdout[-3000:]
    versions = ModelVersion.objects.filter(registered_model__project__slug="notebook").order_by("number")
    assert [v.approval for v in versions] == ["approved"] * 4
    assert all(v.capabilities["signature"] for v in versions)
    infer = json.loads(done.stdout[done.stdout.rindex('{"model_name"') :])  # curl's output ends the script
    assert infer["model_name"] == "cancer-api"
    assert {o["name"] for o in infer["outputs"]} >= {"predictions", "probabilities"}
