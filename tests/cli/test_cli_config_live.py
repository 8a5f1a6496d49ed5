"""`keel apply` / `keel export` against a live server: plan, apply, idempotence and the export -> apply round trip."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.cli.helpers import keel, ok_json

pytestmark = pytest.mark.integration


def _document(slug: str, reviewer: str) -> dict:
    return {
        "apiVersion": "keel/v1",
        "project": {
            "slug": slug,
            "name": "Infrastructure as code",
            "task_type": "classification",
            "acceptance_criteria": [{"metric": "f1_macro", "op": ">=", "threshold": 0.8}],
        },
        "members": [{"username": "alice", "role": "owner"}, {"username": reviewer, "role": "maintainer"}],
        "datasets": [{"name": "patients", "rules": [{"kind": "not_null", "column": "age"}]}],
        "channels": [{"name": "ops-mail", "kind": "email", "config": {"to": ["ops@example.com"]}}],
    }


def test_cli_apply_plan_idempotence_and_export_round_trip(live_keel, tmp_path):
    live = live_keel
    home = tmp_path / "config"
    env = {"KEEL_URL": live.url, "KEEL_TOKEN": live.token}
    source = tmp_path / "keel.yaml"
    source.write_text(yaml.safe_dump(_document("iac", live.reviewer_name)))

    planned = ok_json(keel("apply", "-f", str(source), "--dry-run", "--json", env=env, config_home=home))
    kinds = sorted({(c["action"], c["kind"]) for c in planned["changes"]})
    assert ("create", "project") in kinds and ("create", "member") in kinds and ("create", "channel") in kinds
    assert keel("projects", "get", "iac", env=env, config_home=home).exit_code != 0  # a plan writes nothing

    applied = ok_json(keel("apply", "-f", str(source), "--json", env=env, config_home=home))
    assert applied["applied"] is True and len(applied["changes"]) == len(planned["changes"])
    again = ok_json(keel("apply", "-f", str(source), "--dry-run", "--json", env=env, config_home=home))
    assert again["changes"] == []  # applying twice changes nothing

    exported = tmp_path / "exported.yaml"
    assert keel("export", "-p", "iac", "-o", str(exported), env=env, config_home=home).exit_code == 0
    document = yaml.safe_load(exported.read_text())
    assert document["project"]["slug"] == "iac" and {m["username"] for m in document["members"]} == {
        "alice",
        live.reviewer_name,
    }
    assert (
        ok_json(keel("apply", "-f", str(exported), "--dry-run", "--json", env=env, config_home=home))["changes"] == []
    )

    document["project"]["slug"] = "iac-copy"  # the export reproduces the project elsewhere
    copy = tmp_path / "copy.yaml"
    copy.write_text(yaml.safe_dump(document))
    ok_json(keel("apply", "-f", str(copy), "--json", env=env, config_home=home))
    copied = tmp_path / "copied.yaml"
    assert keel("export", "-p", "iac-copy", "-o", str(copied), env=env, config_home=home).exit_code == 0
    assert {k: v for k, v in yaml.safe_load(copied.read_text()).items() if k != "project"} == {
        k: v for k, v in document.items() if k != "project"
    }


def test_cli_apply_refuses_an_invalid_document_naming_the_field(live_keel, tmp_path):
    live = live_keel
    bad = _document("iac-bad", live.reviewer_name)
    bad["channels"][0]["kind"] = "pager"
    source = tmp_path / "bad.yaml"
    source.write_text(yaml.safe_dump(bad))
    result = keel(
        "apply", "-f", str(source), env={"KEEL_URL": live.url, "KEEL_TOKEN": live.token}, config_home=tmp_path
    )
    assert result.exit_code == 2  # a bad input file
    assert "channels[0].kind" in result.stderr


def test_cli_plan_refuses_typos_at_every_level_with_a_hint(live_keel, tmp_path):
    live = live_keel
    env = {"KEEL_URL": live.url, "KEEL_TOKEN": live.token}
    good = _document("iac-typo", live.reviewer_name)
    good["project"]["name"] = "UX review scratch"
    source = tmp_path / "keel.yaml"
    source.write_text(yaml.safe_dump(good))
    ok_json(keel("apply", "-f", str(source), "--json", env=env, config_home=tmp_path))

    typo = _document("iac-typo", live.reviewer_name)
    typo["project"] = {"slug": "iac-typo", "nmae": "typo"}
    typo["channels"][0]["enabld"] = False
    source.write_text(yaml.safe_dump(typo))
    result = keel("apply", "-f", str(source), "--dry-run", env=env, config_home=tmp_path)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "project.nmae: unknown key; did you mean 'name'?" in result.stderr
    assert "channels[0].enabld: unknown key; did you mean 'enabled'?" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr

    good["project"]["name"] = "Renamed"  # the plan table shows a change as field: from -> to
    source.write_text(yaml.safe_dump(good))
    table = keel("apply", "-f", str(source), "--dry-run", env=env, config_home=tmp_path)
    assert table.exit_code == 0 and "name: UX review scratch -> Renamed" in table.stdout
    assert '{"from"' not in table.stdout


def test_cli_config_schema_prints_the_published_schema(tmp_path):
    result = keel("config", "schema", env={}, config_home=tmp_path)
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["properties"]["channels"]["items"] == {"$ref": "#/$defs/ConfigChannel"}
    assert schema["$defs"]["ConfigChannel"]["additionalProperties"] is False
