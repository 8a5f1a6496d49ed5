"""The `keel` CLI end to end against a live Keel with a real Celery worker, and its error exits."""

from __future__ import annotations

import csv
import json
import os
import stat
from itertools import islice

import pytest
from keel_client import AuthenticatedClient
from keel_client.api.projects import members_set
from keel_client.models import MemberRoleEnum, MembershipSetRequest

from tests.cli.helpers import keel, ok_json

pytestmark = pytest.mark.integration


def test_cli_full_flow(live_keel_worker, tmp_path):
    live = live_keel_worker
    home = tmp_path / "config"
    configured = keel(
        "configure", "--url", live.url, "--token", live.token, "--project", "cli", env={}, config_home=home
    )
    assert configured.exit_code == 0, configured.stderr
    path = home / "keel" / "config.json"
    assert json.loads(path.read_text()) == {"url": live.url, "token": live.token, "project": "cli"}
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600

    def run(*args: str, token: str | None = None):  # the config file, or another user's token from KEEL_TOKEN
        return keel(*args, env={"KEEL_TOKEN": token} if token else {}, config_home=home)

    assert ok_json(run("projects", "create", "cli", "--name", "CLI", "--json"))["role"] == "owner"
    assert run("projects", "list").stdout.count("cli") >= 1
    members_set.sync(  # bob reviews alice's versions (members are managed through the SDK, not the CLI)
        project="cli",
        client=AuthenticatedClient(base_url=live.url, token=live.token),
        body=MembershipSetRequest(username=live.reviewer_name, role=MemberRoleEnum.MAINTAINER),
    )

    version = ok_json(run("datasets", "upload", "cancer", str(live.csv), "-m", "first", "--json"))
    assert version["number"] == 1 and version["row_count"] == 569
    assert "cancer" in run("datasets", "list").stdout

    jobs = []
    for c in ("0.1", "10"):
        submitted = run("train", "submit", "-d", "cancer", "-e", "logistic_regression", "--param", f"C={c}", "--json")
        jobs.append(ok_json(submitted)["id"])
    finished = [ok_json(run("train", "follow", job, "--json")) for job in jobs]
    assert [job["status"] for job in finished] == ["succeeded", "succeeded"]
    run_ids = [job["run_id"] for job in finished]

    found = ok_json(run("runs", "search", "--filter", "metrics.f1_macro > 0.5", "--json"))
    assert sorted(r["run_id"] for r in found) == sorted(run_ids)
    table = run("runs", "compare", *run_ids)
    assert table.exit_code == 0, table.stderr
    assert "* params.C" in table.stdout and "metrics.f1_macro" in table.stdout

    for number, run_id in enumerate(run_ids, start=1):
        registered = ok_json(run("models", "register", "clf", "--run", run_id, "--json"))
        assert registered["version"] == number
        assert ok_json(run("models", "request-approval", "clf", str(number), "--json"))["status"] == "open"
        approved = run(
            "models", "approve", "clf", str(number), "--override", "test data", "--json", token=live.reviewer
        )
        assert ok_json(approved)["status"] == "approved"
    assert ok_json(run("models", "alias", "clf", "champion", "1", "--json"))["aliases"] == ["champion"]
    assert [v["version"] for v in ok_json(run("models", "versions", "clf", "--json"))] == [2, 1]

    created = ok_json(run("deployments", "deploy", "web", "-m", "clf", "--alias", "champion", "--json"))
    assert created["revision"]["number"] == 1
    second = ok_json(run("deployments", "deploy", "web", "-m", "clf", "-v", "2", "--strategy", "single", "--json"))
    assert second["revision"]["number"] == 2 and second["revision"]["variants"][0]["version"] == 2
    back = ok_json(run("deployments", "rollback", "web", "--reason", "v2 is worse", "--json"))
    assert back["revision"]["variants"][0]["version"] == 1
    assert "clf v1" in run("deployments", "status", "web").stdout

    with live.csv.open() as handle:
        rows = [{k: v for k, v in row.items() if k != "target"} for row in islice(csv.DictReader(handle), 3)]
    features_csv = tmp_path / "rows.csv"
    with features_csv.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    from_csv = ok_json(run("deployments", "predict", "web", "-i", str(features_csv), "--json"))
    assert len(from_csv["predictions"]) == 3 and from_csv["model"]["version"] == 1
    features_json = tmp_path / "rows.json"
    features_json.write_text(json.dumps({"inputs": [{k: float(v) for k, v in rows[0].items()}]}))
    from_json = run("deployments", "predict", "web", "-i", str(features_json))
    assert from_json.exit_code == 0 and "clf v1" in from_json.stdout
    prediction_id = from_csv["prediction_ids"][0]
    assert ok_json(run("deployments", "feedback", "web", prediction_id, '"benign"', "--json"))["recorded"] == 1

    assert ok_json(run("alerts", "list", "--json")) == []


def test_cli_error_exits(live_keel, tmp_path):
    home = tmp_path / "config"
    env = {"KEEL_URL": live_keel.url, "KEEL_TOKEN": live_keel.token}

    bad_token = keel("projects", "list", env=env | {"KEEL_TOKEN": "keel_not_a_token"}, config_home=home)
    assert bad_token.exit_code == 1 and "Error 401" in bad_token.stderr

    missing = keel("projects", "get", "nope", env=env, config_home=home)
    assert missing.exit_code == 1 and "Error 404" in missing.stderr

    invalid = keel("projects", "create", "Not A Slug!", env=env, config_home=home)
    assert invalid.exit_code == 1 and "Error 400" in invalid.stderr and "- slug:" in invalid.stderr

    no_project = keel("datasets", "list", env=env | {"KEEL_PROJECT": "nope"}, config_home=home)
    assert no_project.exit_code == 1 and "Error 404" in no_project.stderr

    unconfigured = keel("projects", "list", env={}, config_home=home)
    assert unconfigured.exit_code == 2 and "keel configure" in unconfigured.stderr

    unreachable = keel("projects", "list", env=env | {"KEEL_URL": "http://127.0.0.1:9"}, config_home=home)
    assert unreachable.exit_code == 3 and "Cannot reach" in unreachable.stderr
