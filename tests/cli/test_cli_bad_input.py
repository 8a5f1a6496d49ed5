"""Every `keel` command, given bad input (missing file, malformed JSON, unknown project), answers with a message and
exit 2 (bad input) or 1 (the server refused), never a Python traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from keel_cli.main import app
from typer.testing import CliRunner

pytestmark = pytest.mark.integration

SKIP = {"configure"}  # prompts for its values; writes only the local config file
# These read no file and name no project, so the nonsense arguments are valid input.
SUCCEED = {("config", "schema"), ("projects", "list"), ("projects", "create"), ("projects", "get")}


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    found = []
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):  # a group (typer may bring its own click)
            found += _commands(command, (*prefix, name))
        elif name not in SKIP:
            found.append(((*prefix, name), command))
    return found


COMMANDS = _commands(typer.main.get_command(app))  # type: ignore[arg-type]


def _args(command: Any, bad_file: Path) -> list[str]:
    """Required arguments as nonsense, every file option as `bad_file`, the project as one that does not exist."""
    args: list[str] = []
    for param in command.params:
        is_path = type(param.type).__name__.endswith("Path")
        kind = type(param).__name__
        if kind.endswith("Argument") and param.required:
            args.append(str(bad_file) if is_path else "nope")
        elif kind.endswith("Option") and not param.is_flag:
            flag = param.opts[0]
            if flag in ("--project", "-p"):
                args += [flag, "no-such-project"]
            elif is_path and param.name not in ("output", "out"):
                args += [flag, str(bad_file)]
            elif param.required:
                args += [flag, "1"]
    return args


@pytest.mark.parametrize("case", ["malformed", "missing"])
def test_no_command_prints_a_traceback_for_bad_input(live_keel, tmp_path, case):
    bad_file = tmp_path / "broken.json"
    if case == "malformed":
        bad_file.write_text('{"inputs": [{"a": 1},')  # cut short
    env = {"KEEL_URL": live_keel.url, "KEEL_TOKEN": live_keel.token, "KEEL_PROJECT": "", "COLUMNS": "120"}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    failures = []
    assert len(COMMANDS) > 20
    for path, command in COMMANDS:
        args = [*path, *_args(command, bad_file)]
        result = CliRunner().invoke(app, args, env=env)
        text = result.stdout + result.stderr
        unexpected = result.exception is not None and not isinstance(result.exception, SystemExit)
        expected = (0, 1) if path in SUCCEED else (1, 2)
        if "Traceback" in text or unexpected or result.exit_code not in expected:
            failures.append((" ".join(args), result.exit_code, repr(result.exception), text[-300:]))
    assert failures == []


def test_a_malformed_input_file_exits_2_naming_the_file(live_keel, tmp_path):
    bad_file = tmp_path / "broken.json"
    bad_file.write_text('{"inputs": [{"a": 1},')
    env = {"KEEL_URL": live_keel.url, "KEEL_TOKEN": live_keel.token, "XDG_CONFIG_HOME": str(tmp_path)}
    for args in (
        ["deployments", "predict", "web", "-p", "demo", "-i", str(bad_file)],
        ["train", "submit", "-p", "demo", "-d", "cancer", "--spec", str(bad_file)],
    ):
        result = CliRunner().invoke(app, args, env=env)
        assert result.exit_code == 2, (args, result.stdout, result.stderr, result.exception)
        assert "broken.json: not valid JSON" in result.stderr and "Traceback" not in result.stderr
