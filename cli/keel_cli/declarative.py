"""`keel apply` and `keel export`: keel.yaml against the server's plan/apply/export endpoints.

These endpoints are newer than the generated SDK, so they are called through the SDK client's own httpx client
(same base URL, token and timeouts).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
import yaml

from keel_cli import output
from keel_cli.api import KeelError, raw
from keel_cli.cliutil import JsonFlag, ProjectOpt, project_slug, report

CHANGE_COLUMNS = ["action", "kind", "name", "changes"]
SCHEMA = Path(__file__).with_name("keel.schema.json")

config_app = typer.Typer(help="keel.yaml itself: its JSON Schema for editors.", no_args_is_help=True)


@config_app.command("schema")
def schema_command(
    out: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout")] = None,
) -> None:
    """Print the keel.yaml JSON Schema (point your editor's YAML language server at it)."""
    if out is None:
        typer.echo(SCHEMA.read_text(), nl=False)
    else:
        out.write_text(SCHEMA.read_text())
        output.errors.print(f"Wrote {out}")


SYMBOLS = {"create": "+", "update": "~", "delete": "-"}


def read_document(path: Path) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise KeelError(f"{path}: {exc}", exit_code=2) from exc
    if not isinstance(document, dict):
        raise KeelError(f"{path}: expected a mapping at the top level", exit_code=2)
    return document


def plan_or_apply(document: dict[str, Any], *, dry_run: bool, http: httpx.Client | None = None) -> dict[str, Any]:
    endpoint = "/api/v1/config/plan" if dry_run else "/api/v1/config/apply"
    result = raw("POST", endpoint, json_body={"document": document}, http=http)
    if not isinstance(result, dict):
        raise KeelError(f"Unexpected answer from {endpoint}: {result!r}")
    return result


def export_document(project: str, *, http: httpx.Client | None = None) -> dict[str, Any]:
    result = raw("GET", f"/api/v1/projects/{project}/config/export", http=http)
    if not isinstance(result, dict) or not isinstance(result.get("document"), dict):
        raise KeelError(f"Unexpected answer from the export endpoint: {result!r}")
    return result["document"]


def _describe(changes: Any) -> str:
    """``{"name": {"from": "a", "to": "b"}}`` as ``name: 'a' -> 'b'``, one line per field."""
    if not isinstance(changes, dict):
        return output.cell(changes)
    lines = []
    for field, change in changes.items():
        if isinstance(change, dict) and set(change) <= {"from", "to"}:
            before, after = change.get("from"), change.get("to")
            if before is None:
                lines.append(f"{field}: {output.cell(after)}")
            else:
                lines.append(f"{field}: {output.cell(before)} -> {output.cell(after)}")
        else:
            lines.append(f"{field}: {output.cell(change)}")
    return "\n".join(lines)


def _print_changes(result: dict[str, Any], dry_run: bool) -> None:
    changes = result.get("changes", [])
    verb = "would change" if dry_run else "changed"
    rows = [
        {
            **change,
            "action": f"{SYMBOLS.get(change.get('action', ''), '?')} {change.get('action')}",
            "changes": _describe(change.get("changes")),
        }
        for change in changes
    ]
    if rows:
        output.table(rows, CHANGE_COLUMNS, title=f"project {result.get('project', '')}: {len(rows)} {verb}")
    else:
        output.console.print(f"project {result.get('project', '')}: no changes")


def apply_command(
    file: Annotated[Path, typer.Option("--file", "-f", exists=True, dir_okay=False, help="keel.yaml")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the plan without changing anything")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Make the server match a keel.yaml (with --dry-run: only show what would change)."""
    try:
        result = plan_or_apply(read_document(file), dry_run=dry_run)
    except KeelError as error:
        report(error)
        raise typer.Exit(2 if error.status == 400 else error.exit_code) from None  # 400: the file is invalid
    if as_json:
        output.emit_json(result)
    else:
        _print_changes(result, dry_run)


def export_command(
    project: ProjectOpt = "",
    out: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout")] = None,
) -> None:
    """Print (or write) a project's configuration as keel.yaml."""
    try:
        document = export_document(project_slug(project))
    except KeelError as error:
        report(error)
        raise typer.Exit(error.exit_code) from None
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text)
        output.errors.print(f"Wrote {out}")
