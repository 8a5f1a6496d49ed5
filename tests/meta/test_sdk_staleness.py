"""The committed Python SDK (clients/python) is what scripts/sdk.sh generates from the current code."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SDK = ROOT / "clients" / "python"


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and ".ruff_cache" not in path.parts
    }


def test_python_sdk_is_current(tmp_path):
    """Generate the schema from the code (as scripts/openapi.sh does), then the SDK from it, and diff the trees."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_"))}
    schema = tmp_path / "openapi.yaml"
    spectacular = [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", str(schema)]
    out = subprocess.run(spectacular, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False, env=env)
    assert out.returncode == 0, out.stderr[-4000:]
    generator = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent))
    assert generator, "openapi-python-client is not installed (uv sync)"
    generated = tmp_path / "python"
    spec = tmp_path / "sdk.yaml"
    adjust = [sys.executable, "scripts/sdk_spec.py", str(schema), str(spec)]
    subprocess.run(adjust, cwd=ROOT, capture_output=True, text=True, timeout=60, check=True, env=env)
    command = [generator, "generate", "--path", str(spec), "--config", "clients/python-config.yaml"]
    command += ["--meta", "uv", "--output-path", str(generated), "--overwrite", "--fail-on-warning"]
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # the post-hooks' ruff
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False, env=env)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-4000:]
    shutil.copy(SDK / "README.md", generated / "README.md")  # written by hand; scripts/sdk.sh keeps it
    want, have = _tree(generated), _tree(SDK)
    stale = sorted(name for name in want.keys() | have.keys() if want.get(name) != have.get(name))
    assert not stale, f"clients/python is stale ({len(stale)} files, e.g. {stale[:5]}): run `scripts/sdk.sh`"
