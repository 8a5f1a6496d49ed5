"""`keel drift …`: a deployment's drift reports, the latest one feature by feature, a report now, and the config."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from keel_client.api.monitoring import (
    drift_config_retrieve,
    drift_config_set,
    drift_reports_create,
    drift_reports_list,
)
from keel_client.models import DriftConfigRequest, DriftReportCreateRequest
from keel_client.types import UNSET

from keel_cli import output
from keel_cli.api import KeelError, call
from keel_cli.cliutil import (
    ColumnsOpt,
    CsvFlag,
    JsonFlag,
    ProjectOpt,
    WideFlag,
    command,
    project_slug,
    read_json_file,
    view,
)

app = typer.Typer(
    help="Drift of a deployment's inputs: reports, the latest one, a report now, the config.", no_args_is_help=True
)
config_app = typer.Typer(help="When drift reports run and how columns are judged.", no_args_is_help=True)
app.add_typer(config_app, name="config")

REPORT_COLUMNS = ["id", "window_end", "dataset_drift", "share_drifted", "n_rows", "status", "variant", "detail"]
FEATURE_COLUMNS = ["name", "kind", "method", "score", "threshold", "drifted", "severity", "current_count", "reason"]
VariantOpt = Annotated[str, typer.Option(help="Only this variant's reports (default: all live traffic)")]


def _reports(project: str, deployment: str, variant: str, limit: int) -> list[Any]:
    page = call(
        drift_reports_list.sync_detailed,
        project=project,
        deployment=deployment,
        page_size=limit,
        ordering="-window_end",
        variant=variant or UNSET,
        per_variant=bool(variant),
    )
    return list(page.results)


@command(app, "reports")
def reports(
    deployment: str,
    project: ProjectOpt = "",
    variant: VariantOpt = "",
    limit: Annotated[int, typer.Option(help="How many, newest first")] = 20,
    columns: ColumnsOpt = "",
    wide: WideFlag = False,
    as_csv: CsvFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """A deployment's drift reports, newest first."""
    found = _reports(project_slug(project), deployment, variant, limit)
    output.listing(found, REPORT_COLUMNS, view(as_json, as_csv, columns, wide))


def feature_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per column of a report's result, drifted columns first; `score` is the p-value or the distance."""
    rows = []
    for column in result.get("columns") or []:
        score = column.get("p_value") if column.get("p_value") is not None else column.get("distance")
        rows.append({**column, "score": score})
    return sorted(rows, key=lambda row: (not row.get("drifted"), str(row.get("name"))))


def _summary(report: dict[str, Any]) -> str:
    verdict = report.get("dataset_drift")
    words = {True: "DRIFT", False: "no drift", None: "no verdict"}[verdict]
    share = report.get("share_drifted")
    shared = f", {share:.0%} of columns drifted" if isinstance(share, int | float) else ""
    scope = f"variant {report['variant']}" if report.get("variant") else "all live traffic"
    return (
        f"report {report['id']} ({report['status']}): {words}{shared}; {report.get('n_rows', 0)} rows, {scope}, "
        f"{report['window_start']} .. {report['window_end']}"
    )


@command(app, "latest")
def latest(
    deployment: str,
    project: ProjectOpt = "",
    variant: VariantOpt = "",
    columns: ColumnsOpt = "",
    wide: WideFlag = False,
    as_csv: CsvFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """The latest drift report: its verdict, then each feature (drifted first)."""
    found = _reports(project_slug(project), deployment, variant, 1)
    if not found:
        raise KeelError(f"{deployment} has no drift report yet: run `keel drift run {deployment}`.")
    report = output.plain(found[0])
    if as_json:
        output.emit_json(report)
        return
    if not as_csv:
        output.console.print(_summary(report), highlight=False, markup=False, soft_wrap=True)
        if report.get("detail"):
            output.console.print(report["detail"], highlight=False, markup=False, soft_wrap=True)
    result = report.get("result") if isinstance(report.get("result"), dict) else {}
    rows = feature_rows(result)
    output.listing(rows, FEATURE_COLUMNS, view(False, as_csv, columns, wide), rows=rows)


@command(app, "run")
def run_now(
    deployment: str,
    project: ProjectOpt = "",
    window_minutes: Annotated[int | None, typer.Option(help="The window ending now (default: the config's)")] = None,
    variant: VariantOpt = "",
    as_json: JsonFlag = False,
) -> None:
    """Compute a drift report now."""
    body = DriftReportCreateRequest(window_minutes=window_minutes or UNSET, variant=variant or UNSET)
    found = call(drift_reports_create.sync_detailed, project=project_slug(project), deployment=deployment, body=body)
    if as_json:
        output.emit_json(found)
        return
    report = output.plain(found)
    output.console.print(_summary(report), highlight=False, markup=False, soft_wrap=True)
    result = report.get("result") if isinstance(report.get("result"), dict) else {}
    if result.get("columns"):
        output.table(feature_rows(result), FEATURE_COLUMNS)


@command(config_app, "show")
def config_show(deployment: str, project: ProjectOpt = "", as_json: JsonFlag = False) -> None:
    """A deployment's drift config."""
    found = call(drift_config_retrieve.sync_detailed, project=project_slug(project), deployment=deployment)
    output.pairs(found, as_json=as_json)


@command(config_app, "set")
def config_set(
    deployment: str,
    project: ProjectOpt = "",
    enabled: Annotated[bool | None, typer.Option("--enabled/--disabled", help="Scheduled reports on or off")] = None,
    window_minutes: Annotated[int | None, typer.Option(help="Each report covers this many minutes")] = None,
    cadence_minutes: Annotated[int | None, typer.Option(help="A report every this many minutes")] = None,
    per_variant: Annotated[
        bool | None, typer.Option("--per-variant/--no-per-variant", help="Also report each live variant")
    ] = None,
    options_file: Annotated[
        Path | None,
        typer.Option("--options", exists=True, dir_okay=False, help="JSON options: columns, correction, exclude, ..."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Change a deployment's drift config; what is not given stays as it is."""
    slug = project_slug(project)
    current = output.plain(call(drift_config_retrieve.sync_detailed, project=slug, deployment=deployment))
    changes = {
        "enabled": enabled,
        "window_minutes": window_minutes,
        "cadence_minutes": cadence_minutes,
        "per_variant": per_variant,
        "options": read_json_file(options_file) if options_file else None,
    }
    if options_file and not isinstance(changes["options"], dict):
        raise KeelError(f"{options_file}: expected a JSON object of drift options", exit_code=2)
    wanted = {key: value for key, value in changes.items() if value is not None}
    if not wanted:
        raise KeelError(
            "Nothing to change: pass --enabled/--disabled, --window-minutes, ... (see --help).", exit_code=2
        )
    body = {key: current.get(key) for key in ("enabled", "window_minutes", "cadence_minutes", "per_variant", "options")}
    body = {key: value for key, value in {**body, **wanted}.items() if value is not None}
    found = call(
        drift_config_set.sync_detailed,
        project=slug,
        deployment=deployment,
        body=DriftConfigRequest.from_dict(body),
    )
    output.pairs(found, as_json=as_json)
