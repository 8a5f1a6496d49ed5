"""Running `keel` in-process (typer's CliRunner) with a private config dir and explicit environment."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import Result
from keel_cli.main import app
from typer.testing import CliRunner


def keel(*args: str, env: dict[str, str], config_home: Path) -> Result:
    """`keel args…` with only the given KEEL_* variables set and config under `config_home`."""
    base = {"KEEL_URL": "", "KEEL_TOKEN": "", "KEEL_PROJECT": "", "XDG_CONFIG_HOME": str(config_home)}
    base["COLUMNS"] = "250"
    return CliRunner().invoke(app, list(args), env=base | env, catch_exceptions=False)


def ok_json(result: Result) -> Any:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return json.loads(result.stdout)
