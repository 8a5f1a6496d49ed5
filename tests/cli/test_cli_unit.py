"""Parts of the CLI that need no server: apply/export against a fake transport, config, input files, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml
from keel_cli import api, config
from keel_cli.commands.deployments import read_inputs
from keel_client import AuthenticatedClient

from tests.cli.helpers import keel

DOCUMENT = {"project": {"slug": "demo", "name": "Demo"}, "datasets": [{"name": "cancer"}]}
CHANGES = [
    {"action": "create", "kind": "dataset", "name": "cancer", "changes": {"name": "cancer"}},
    {"action": "update", "kind": "project", "name": "demo", "changes": {"name": ["demo", "Demo"]}},
]


class FakeKeel:
    """The plan/apply/export contract, answered by an httpx.MockTransport; it records every request."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.headers.get("Authorization") != "Bearer keel_test":
            return httpx.Response(401, json={"detail": "Invalid token.", "status": 401})
        path = request.url.path
        if path in {"/api/v1/config/plan", "/api/v1/config/apply"} and request.method == "POST":
            document = json.loads(request.content)["document"]
            if "project" not in document:
                error = {"field": "document.project", "message": "This field is required.", "code": "required"}
                return httpx.Response(400, json={"detail": "Invalid input.", "status": 400, "errors": [error]})
            body = {"changes": CHANGES, "project": "demo"}
            return httpx.Response(200, json=body | ({"applied": True} if path.endswith("apply") else {}))
        if path.endswith("/feedback") or path.endswith("/feedback/"):
            detail = "1 prediction(s) already have feedback; pass overwrite=true to replace it."
            return httpx.Response(409, json={"detail": detail, "status": 409})
        if path == "/api/v1/projects/demo/config/export":
            return httpx.Response(200, json={"document": DOCUMENT})
        return httpx.Response(404, json={"detail": "Not found.", "status": 404})


@pytest.fixture
def fake(monkeypatch) -> FakeKeel:
    fake = FakeKeel()

    def client(settings: config.Settings | None = None) -> AuthenticatedClient:
        settings = settings or config.load()
        made = AuthenticatedClient(base_url=settings.url, token=settings.token)
        made.set_httpx_client(
            httpx.Client(
                base_url=settings.url,
                headers={"Authorization": f"Bearer {settings.token}"},
                transport=httpx.MockTransport(fake.handle),
            )
        )
        return made

    monkeypatch.setattr(api, "client", client)
    return fake


ENV = {"KEEL_URL": "http://keel.test", "KEEL_TOKEN": "keel_test"}


def test_apply_dry_run_posts_the_document_to_plan(fake, tmp_path):
    path = tmp_path / "keel.yaml"
    path.write_text(yaml.safe_dump(DOCUMENT))
    result = keel("apply", "-f", str(path), "--dry-run", env=ENV, config_home=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert [r.url.path for r in fake.requests] == ["/api/v1/config/plan"]
    assert json.loads(fake.requests[0].content) == {"document": DOCUMENT}
    assert "2 would change" in result.stdout and "+ create" in result.stdout and "~ update" in result.stdout


def test_apply_posts_to_apply_and_prints_json(fake, tmp_path):
    path = tmp_path / "keel.yaml"
    path.write_text(yaml.safe_dump(DOCUMENT))
    result = keel("apply", "-f", str(path), "--json", env=ENV, config_home=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert [r.url.path for r in fake.requests] == ["/api/v1/config/apply"]
    assert json.loads(result.stdout) == {"changes": CHANGES, "project": "demo", "applied": True}


def test_apply_validation_error_names_the_field(fake, tmp_path):
    path = tmp_path / "keel.yaml"
    path.write_text(yaml.safe_dump({"datasets": []}))
    result = keel("apply", "-f", str(path), env=ENV, config_home=tmp_path)
    assert result.exit_code == 2  # the file is invalid
    assert "Error 400: Invalid input." in result.stderr and "document.project: This field is required." in result.stderr


def test_apply_rejects_a_file_that_is_not_a_mapping(fake, tmp_path):
    path = tmp_path / "keel.yaml"
    path.write_text("- just\n- a list\n")
    result = keel("apply", "-f", str(path), env=ENV, config_home=tmp_path)
    assert result.exit_code == 2 and "expected a mapping" in result.stderr and fake.requests == []


def test_export_writes_yaml_to_a_file_or_stdout(fake, tmp_path):
    out = tmp_path / "exported.yaml"
    result = keel("export", "-p", "demo", "-o", str(out), env=ENV, config_home=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert yaml.safe_load(out.read_text()) == DOCUMENT
    printed = keel("export", "-p", "demo", env=ENV, config_home=tmp_path)
    assert yaml.safe_load(printed.stdout) == DOCUMENT


def test_export_of_an_unknown_project_and_a_bad_token_exit_non_zero(fake, tmp_path):
    missing = keel("export", "-p", "nope", env=ENV, config_home=tmp_path)
    assert missing.exit_code == 1 and "Error 404: Not found." in missing.stderr
    denied = keel("export", "-p", "demo", env=ENV | {"KEEL_TOKEN": "keel_bad"}, config_home=tmp_path)
    assert denied.exit_code == 1 and "Error 401: Invalid token." in denied.stderr


def test_config_file_is_private_and_environment_overrides_it(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    for name in ("KEEL_URL", "KEEL_TOKEN", "KEEL_PROJECT"):
        monkeypatch.delenv(name, raising=False)
    path = config.save(config.Settings(url="http://a", token="keel_a", project="p"))
    assert path == tmp_path / "keel" / "config.json"
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    assert config.load() == config.Settings(url="http://a", token="keel_a", project="p")
    monkeypatch.setenv("KEEL_TOKEN", "keel_b")
    assert config.load().token == "keel_b"


def test_problem_error_lists_field_errors_and_tolerates_other_bodies():
    body = {"detail": "Invalid input.", "errors": [{"field": "slug", "message": "bad", "code": "invalid"}]}
    error = api.problem_error(400, json.dumps(body).encode())
    assert str(error) == "Error 400: Invalid input." and error.errors == ["slug: bad"]
    assert str(api.problem_error(502, b"<html>Bad gateway</html>")) == "Error 502: <html>Bad gateway</html>"


def test_read_inputs_from_csv_and_json(tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text("a,b,c\n1,2.5,x\n,3,y\n")
    assert read_inputs(rows) == [{"a": 1, "b": 2.5, "c": "x"}, {"a": None, "b": 3, "c": "y"}]
    one = tmp_path / "one.json"
    one.write_text('{"a": 1}')
    assert read_inputs(one) == [{"a": 1}]
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text('{"inputs": [{"a": 1}, {"a": 2}]}')
    assert read_inputs(wrapped) == [{"a": 1}, {"a": 2}]


def test_the_keel_entry_point_is_installed():
    script = Path(sys.executable).parent / "keel"
    out = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    for group in ("projects", "datasets", "train", "runs", "models", "deployments", "alerts", "apply", "export"):
        assert group in out.stdout


def test_plan_table_shows_changes_as_field_from_to(fake, tmp_path, monkeypatch):
    path = tmp_path / "keel.yaml"
    path.write_text(yaml.safe_dump(DOCUMENT))
    update = {"action": "update", "kind": "project", "name": "demo", "changes": {"name": {"from": "a", "to": "b"}}}
    monkeypatch.setattr(sys.modules[__name__], "CHANGES", [update])  # FakeKeel answers with the module's CHANGES
    result = keel("apply", "-f", str(path), "--dry-run", env=ENV, config_home=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "name: a -> b" in result.stdout and '"from"' not in result.stdout


def test_feedback_conflict_names_the_overwrite_flag(fake, tmp_path):
    result = keel("deployments", "feedback", "web", "p1", "1", "-p", "demo", env=ENV, config_home=tmp_path)
    assert result.exit_code == 1
    assert "pass --overwrite to replace it" in result.stderr and "overwrite=true" not in result.stderr


def test_table_cells_show_aliases_and_lists_as_text_not_json():
    from keel_cli.output import cell

    assert cell({"champion": 3, "staging": 4}) == "champion: 3, staging: 4"
    assert cell(["a", "b"]) == "a, b"
    assert cell({}) == "" and cell({"nested": {"x": 1}}) == '{"nested": {"x": 1}}'


def test_identifiers_are_never_cut_in_a_narrow_terminal(monkeypatch):
    import io

    from keel_cli import output
    from rich.console import Console

    buffer = io.StringIO()
    monkeypatch.setattr(output, "console", Console(file=buffer, width=80, color_system=None))
    run_id = "01cf1e2b3c4d5e6f7a8b9c0d1e2f3a4b"
    rows = [{"run_id": run_id, "slug": "a-rather-long-project-slug", "description": "words " * 30, "x": 1.5}]
    output.table(rows, ["run_id", "slug", "description", "x"])
    text = buffer.getvalue()
    assert run_id in text and "a-rather-long-project-slug" in text  # whole, on one line each
