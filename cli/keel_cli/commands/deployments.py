"""`keel deployments …`: deploy with a strategy, status, rollback, predict from a file, feedback."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from keel_client.api.monitoring import deployments_performance
from keel_client.api.serving import (
    deployments_create,
    deployments_deploy,
    deployments_feedback,
    deployments_list,
    deployments_predict,
    deployments_retrieve,
    deployments_rollback,
)
from keel_client.models import (
    DeploymentCreateRequest,
    DeployRequest,
    FeedbackBatchRequest,
    PredictRequest,
    RollbackRequest,
    StrategyEnum,
)
from rich.console import Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

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

app = typer.Typer(help="Deployments: deploy, status, rollback, predict, feedback.", no_args_is_help=True)

DEPLOYMENT_COLUMNS = ["name", "revision", "strategy", "variants", "updated_at"]


def _row(deployment: Any) -> dict[str, Any]:
    data = deployment.to_dict()
    revision = data.get("revision") or {}
    variants = revision.get("variants", [])
    return {
        "name": data["name"],
        "revision": revision.get("number"),
        "strategy": revision.get("strategy"),
        "variants": ", ".join(f"{v['name']}={v['model']} v{v['version']} ({v.get('weight', '')})" for v in variants),
        "updated_at": data.get("updated_at"),
    }


def _show(deployment: Any, as_json: bool) -> None:
    if as_json:
        output.emit_json(deployment)
    else:
        output.show(_row(deployment), DEPLOYMENT_COLUMNS, as_json=False)


@command(app, "list")
def list_deployments(
    project: ProjectOpt = "",
    columns: ColumnsOpt = "",
    wide: WideFlag = False,
    as_csv: CsvFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Deployments of a project."""
    page = call(deployments_list.sync_detailed, project=project_slug(project), page_size=1000)
    rows = [_row(d) for d in page.results]
    output.listing(page.results, DEPLOYMENT_COLUMNS, view(as_json, as_csv, columns, wide), rows=rows)


@command(app, "status")
def status(name: str, project: ProjectOpt = "", as_json: JsonFlag = False) -> None:
    """The serving revision of a deployment and its variants."""
    _show(call(deployments_retrieve.sync_detailed, project=project_slug(project), deployment=name), as_json)


def _exists(project: str, name: str) -> bool:
    try:
        call(deployments_retrieve.sync_detailed, project=project, deployment=name)
    except KeelError as error:
        if str(error).startswith("Error 404"):
            return False
        raise
    return True


@command(app, "deploy")
def deploy(
    name: str,
    model: Annotated[str, typer.Option("--model", "-m", help="Registered model")],
    project: ProjectOpt = "",
    version: Annotated[int | None, typer.Option("--version", "-v", help="Model version")] = None,
    alias: Annotated[str | None, typer.Option(help="Deploy the version an alias points at")] = None,
    strategy: Annotated[StrategyEnum, typer.Option(help="How traffic moves")] = StrategyEnum.SINGLE,
    fraction: Annotated[float | None, typer.Option(help="Canary/shadow fraction")] = None,
    reason: str = "",
    as_json: JsonFlag = False,
) -> None:
    """Deploy a model version; a missing deployment is created serving it."""
    slug = project_slug(project)
    if not _exists(slug, name):
        body = DeploymentCreateRequest.from_dict({"model": model, "name": name, "version": version, "alias": alias})
        _show(call(deployments_create.sync_detailed, project=slug, body=body), as_json)
        return
    payload: dict[str, Any] = {"strategy": strategy.value, "model": model, "version": version, "alias": alias}
    if fraction is not None:
        payload["fraction"] = fraction
    payload["reason"] = reason
    body_deploy = DeployRequest.from_dict(payload)
    _show(call(deployments_deploy.sync_detailed, project=slug, deployment=name, body=body_deploy), as_json)


@command(app, "rollback")
def rollback(
    name: str,
    project: ProjectOpt = "",
    revision: Annotated[int | None, typer.Option(help="Revision to return to (default: the previous one)")] = None,
    reason: str = "",
    as_json: JsonFlag = False,
) -> None:
    """Serve an earlier revision again."""
    body = RollbackRequest.from_dict({"revision": revision, "reason": reason})
    _show(call(deployments_rollback.sync_detailed, project=project_slug(project), deployment=name, body=body), as_json)


def _number(text: str) -> Any:
    """CSV cells: numbers as numbers, empty as null, anything else as text."""
    if text == "":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def read_inputs(path: Path) -> list[dict[str, Any]]:
    """Rows from a CSV file, or a JSON list of rows / {"inputs": [...]} / one row object."""
    if path.suffix.lower() == ".csv":
        try:
            with path.open(newline="") as handle:
                return [{key: _number(value) for key, value in row.items()} for row in csv.DictReader(handle)]
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise KeelError(f"{path}: not a readable CSV file ({exc})", exit_code=2) from None
    data = read_json_file(path)
    if isinstance(data, dict):
        data = data.get("inputs", [data])
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise KeelError(f"{path}: expected a list of objects, one per row", exit_code=2)
    return data


@command(app, "predict")
def predict(
    name: str,
    input_file: Annotated[Path, typer.Option("--input", "-i", exists=True, dir_okay=False, help="JSON or CSV")],
    project: ProjectOpt = "",
    routing_key: Annotated[str, typer.Option(help="Sticky routing key (e.g. a user id)")] = "",
    as_json: JsonFlag = False,
) -> None:
    """Predict rows from a JSON or CSV file."""
    payload: dict[str, Any] = {"inputs": read_inputs(input_file)}
    if routing_key:
        payload["routing_key"] = routing_key
    found = call(
        deployments_predict.sync_detailed,
        project=project_slug(project),
        deployment=name,
        body=PredictRequest.from_dict(payload),
    )
    if as_json:
        output.emit_json(found)
        return
    rows = [
        {"prediction_id": str(pid), "prediction": value, "variant": found.variant, "model": found.model.to_dict()}
        for pid, value in zip(found.prediction_ids, found.predictions, strict=True)
    ]
    for row in rows:
        model = row.pop("model")
        row["version"] = f"{model.get('name', '')} v{model.get('version', '')}"
    output.table(rows, ["prediction_id", "prediction", "variant", "version"], title=f"request {found.request_id}")


@command(app, "feedback")
def feedback(
    name: str,
    prediction_id: str,
    value: Annotated[str, typer.Argument(help='The true value (JSON: 1, 0.5, "yes"; plain text otherwise)')],
    project: ProjectOpt = "",
    overwrite: bool = False,
    as_json: JsonFlag = False,
) -> None:
    """Record the true outcome for a prediction."""
    try:
        truth: Any = json.loads(value)
    except ValueError:
        truth = value
    body = FeedbackBatchRequest.from_dict({"prediction_id": prediction_id, "value": truth, "overwrite": overwrite})
    try:
        found = call(deployments_feedback.sync_detailed, project=project_slug(project), deployment=name, body=body)
    except KeelError as error:  # the API's wording names its body field; here it is a flag
        error.args = (str(error).replace("pass overwrite=true", "pass --overwrite"),)
        error.errors = [line.replace("pass overwrite=true", "pass --overwrite") for line in error.errors]
        raise
    output.pairs(found, as_json=as_json)


WATCH_COLUMNS = ["variant", "serves", "weight", "requests", "per_min", "error_rate", "p50_ms", "p95_ms", "p99_ms"]


def watch_rows(deployment: dict[str, Any], performance: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per variant: what it serves and its counters over the window."""
    variants = {v["name"]: v for v in (deployment.get("revision") or {}).get("variants", [])}
    figures = performance.get("variants") or {}
    rows = []
    for name in [*variants, *(n for n in figures if n not in variants)]:
        served, numbers = variants.get(name, {}), figures.get(name, {})
        latency = numbers.get("latency_ms") or {}
        row = {
            "variant": name,
            "serves": f"{served['model']} v{served['version']}" if served else "(no longer live)",
            "weight": served.get("weight"),
            "requests": numbers.get("requests", 0),
            "per_min": numbers.get("throughput_per_min", 0.0),
            "error_rate": numbers.get("error_rate"),
            "p50_ms": latency.get("p50"),
            "p95_ms": latency.get("p95"),
            "p99_ms": latency.get("p99"),
            "labelled": numbers.get("labelled", 0),
        }
        for metric in ("accuracy", "mae", "rmse"):
            if metric in numbers:
                row[metric] = numbers[metric]
        rows.append(row)
    return rows


def _watch_view(name: str, rows: list[dict[str, Any]], window: int, revision: Any) -> Group:
    extra = [c for c in ("labelled", "accuracy", "mae", "rmse") if any(c in row for row in rows)]
    grid = Table(title=f"{name} · revision {revision} · last {window} min · {time.strftime('%H:%M:%S')}")
    for column in [*WATCH_COLUMNS, *extra]:
        grid.add_column(column, no_wrap=output.is_identifier(column) or column == "serves")
    for row in rows:
        grid.add_row(*(output.cell(row.get(column)) for column in [*WATCH_COLUMNS, *extra]))
    note = Text("" if rows else "no traffic in the window yet", style="dim")
    return Group(grid, note)


@command(app, "watch")
def watch(
    name: str,
    project: ProjectOpt = "",
    window: Annotated[int, typer.Option("--window", help="Minutes the counters cover")] = 5,
    interval: Annotated[float, typer.Option(help="Seconds between refreshes")] = 2.0,
    once: Annotated[bool, typer.Option("--once", help="Print the counters once and exit")] = False,
    iterations: Annotated[int, typer.Option(help="Refresh this many times, then exit (0: until Ctrl-C)")] = 0,
    as_json: JsonFlag = False,
) -> None:
    """Live per-variant counters of a deployment (requests, rate, errors, latency, accuracy from feedback)."""
    slug = project_slug(project)

    def sample() -> tuple[list[dict[str, Any]], Any]:
        found = output.plain(call(deployments_retrieve.sync_detailed, project=slug, deployment=name))
        figures = output.plain(
            call(deployments_performance.sync_detailed, project=slug, deployment=name, window_minutes=window)
        )
        return watch_rows(found, figures), (found.get("revision") or {}).get("number")

    if once or as_json:
        rows, revision = sample()
        if as_json:
            output.emit_json(rows)
        else:
            output.console.print(_watch_view(name, rows, window, revision))
        return
    done = 0
    try:
        with Live(console=output.console, auto_refresh=False) as live:
            while True:
                rows, revision = sample()
                live.update(_watch_view(name, rows, window, revision), refresh=True)
                done += 1
                if iterations and done >= iterations:
                    break
                time.sleep(interval)
    except KeyboardInterrupt:
        pass
