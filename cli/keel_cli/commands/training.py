"""`keel train …` (submit and follow training jobs) and `keel runs …` (search and compare)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from keel_client.api.projects import runs_compare, runs_search
from keel_client.api.training import training_jobs_list, training_jobs_retrieve, training_jobs_submit
from keel_client.models import RunSearchRequest, TrainingJobSubmitRequest
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

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

app = typer.Typer(help="Training jobs: submit, follow, list.", no_args_is_help=True)
runs = typer.Typer(help="Runs: search and compare.", no_args_is_help=True)

TERMINAL = {"succeeded", "failed", "cancelled"}
JOB_COLUMNS = ["id", "status", "dataset", "dataset_version", "run_name", "run_id", "model_version", "error"]


def _job_row(job: Any) -> dict[str, Any]:
    row = job.to_dict()
    row["progress"] = f"{job.progress.done}/{job.progress.total} {job.progress.stage}"
    return row


def _param(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep:
        raise KeelError(f"--param {text!r}: expected key=value", exit_code=2)
    try:
        return key, json.loads(value)
    except ValueError:
        return key, value


def _spec(spec_file: Path | None, estimator: str, params: list[str], cv_folds: int | None) -> dict[str, Any]:
    spec: dict[str, Any] = read_json_file(spec_file) if spec_file else {}
    if not isinstance(spec, dict):
        raise KeelError(f"{spec_file}: expected a JSON object (the training spec)", exit_code=2)
    if estimator:
        spec["estimator"] = estimator
    if params:
        spec["params"] = {**spec.get("params", {}), **dict(_param(p) for p in params)}
    if cv_folds:
        spec["cv_folds"] = cv_folds
    if "estimator" not in spec:
        raise KeelError("Give --estimator or a --spec file with an `estimator`.", exit_code=2)
    return spec


def follow_job(project: str, job_id: str, *, quiet: bool, interval: float = 1.0) -> Any:
    """Poll a training job until it ends, with a progress bar of its CV fits."""
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=output.errors, disable=quiet) as progress:
        task = progress.add_task("queued", total=None)
        while True:
            job = call(training_jobs_retrieve.sync_detailed, project=project, job_id=job_id)
            total = job.progress.total or None
            progress.update(task, description=f"{job.status} {job.progress.stage}", total=total)
            progress.update(task, completed=job.progress.done)
            if str(job.status) in TERMINAL:
                return job
            time.sleep(interval)


@command(app, "submit")
def submit(
    dataset: Annotated[str, typer.Option("--dataset", "-d", help="Dataset name")],
    project: ProjectOpt = "",
    estimator: Annotated[str, typer.Option("--estimator", "-e", help="e.g. logistic_regression")] = "",
    param: Annotated[list[str] | None, typer.Option("--param", help="Estimator parameter key=value (repeat)")] = None,
    spec_file: Annotated[Path | None, typer.Option("--spec", exists=True, help="Full training spec as JSON")] = None,
    cv_folds: Annotated[int | None, typer.Option(help="Cross-validation folds")] = None,
    dataset_version: Annotated[int | None, typer.Option(help="Version number (default: latest)")] = None,
    experiment: str = "default",
    run_name: str = "",
    register_model: Annotated[str, typer.Option(help="Register the trained model under this name")] = "",
    follow: Annotated[bool, typer.Option("--follow/--no-follow", help="Wait with a progress bar")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Submit a training job; with --follow, wait until it ends (exit code 1 if it did not succeed)."""
    slug = project_slug(project)
    body: dict[str, Any] = {
        "dataset": dataset,
        "spec": _spec(spec_file, estimator, param or [], cv_folds),
        "experiment": experiment,
        "run_name": run_name,
        "dataset_version": dataset_version,
    }
    if register_model:
        body["register_model"] = register_model
    job = call(training_jobs_submit.sync_detailed, project=slug, body=TrainingJobSubmitRequest.from_dict(body))
    if follow:
        job = follow_job(slug, str(job.id), quiet=as_json)
    output.show(_job_row(job), [*JOB_COLUMNS, "progress"], as_json=as_json)
    if follow and str(job.status) != "succeeded":
        raise KeelError(f"Training job {job.id} {job.status}: {job.error or 'no error message'}")


@command(app, "follow")
def follow(job_id: str, project: ProjectOpt = "", as_json: JsonFlag = False) -> None:
    """Wait for a training job with a progress bar."""
    job = follow_job(project_slug(project), job_id, quiet=as_json)
    output.show(_job_row(job), [*JOB_COLUMNS, "progress"], as_json=as_json)
    if str(job.status) != "succeeded":
        raise KeelError(f"Training job {job.id} {job.status}: {job.error or 'no error message'}")


@command(app, "status")
def status(job_id: str, project: ProjectOpt = "", as_json: JsonFlag = False) -> None:
    """One training job."""
    job = call(training_jobs_retrieve.sync_detailed, project=project_slug(project), job_id=job_id)
    output.show(_job_row(job), [*JOB_COLUMNS, "progress"], as_json=as_json)


@command(app, "list")
def list_jobs(
    project: ProjectOpt = "",
    columns: ColumnsOpt = "",
    wide: WideFlag = False,
    as_csv: CsvFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Training jobs of a project, newest first."""
    page = call(training_jobs_list.sync_detailed, project=project_slug(project), page_size=200)
    rows = [_job_row(job) for job in page.results]
    output.listing(
        page.results, ["id", "status", "progress", "run_name"], view(as_json, as_csv, columns, wide), rows=rows
    )


def _run_row(run: Any) -> dict[str, Any]:
    """A run as one flat row: its fields, then `metrics.<key>` and `params.<key>` columns."""
    data = run.to_dict()
    row = {key: value for key, value in data.items() if key not in {"metrics", "params", "tags"}}
    row.update({f"metrics.{key}": value for key, value in run.metrics.to_dict().items()})
    row.update({f"params.{key}": value for key, value in run.params.to_dict().items()})
    row["tags"] = run.tags.to_dict()
    return row


COMMON_METRICS = ("f1_macro", "accuracy", "roc_auc", "r2", "rmse", "mae")


def _metric_columns(rows: list[dict[str, Any]], expressions: list[str]) -> list[str]:
    """The metrics a search names in its filter or order, else up to three common ones the runs have."""
    present = {key for row in rows for key in row if key.startswith("metrics.")}
    named = [key for key in sorted(present) if any(key in text for text in expressions)]
    return named or [f"metrics.{name}" for name in COMMON_METRICS if f"metrics.{name}" in present][:3]


@command(runs, "search")
def search(
    project: ProjectOpt = "",
    filter_: Annotated[str, typer.Option("--filter", "-f", help='e.g. "metrics.f1_macro > 0.9"')] = "",
    order_by: Annotated[list[str] | None, typer.Option("--order-by", help='e.g. "metrics.f1_macro DESC"')] = None,
    experiment: Annotated[list[str] | None, typer.Option("--experiment", help="Experiment name (repeat)")] = None,
    limit: int = 50,
    columns: ColumnsOpt = "",
    wide: WideFlag = False,
    as_csv: CsvFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Search runs with the filter grammar of the API (`runs_search`); the table shows the metrics named in
    --filter and --order-by (or the common ones), --wide every metric and param."""
    body: dict[str, Any] = {"filter": filter_, "order_by": order_by or [], "experiments": experiment or []}
    page = call(
        runs_search.sync_detailed,
        project=project_slug(project),
        body=RunSearchRequest.from_dict(body),
        page_size=limit,
    )
    rows = [_run_row(run) for run in page.results]
    default = ["run_id", "name", *_metric_columns(rows, [filter_, *(order_by or [])]), "status", "experiment"]
    output.listing(page.results, default, view(as_json, as_csv, columns, wide), rows=rows, title=f"{page.count} run(s)")


@command(runs, "compare")
def compare(
    run_ids: Annotated[list[str], typer.Argument(help="Two or more run ids")],
    project: ProjectOpt = "",
    as_json: JsonFlag = False,
) -> None:
    """Params and latest metrics of runs side by side (differing params are marked with *)."""
    found = call(runs_compare.sync_detailed, project=project_slug(project), run_ids=",".join(run_ids), series=False)
    if as_json:
        output.emit_json(found)
        return
    names = [f"{run.name} ({run.run_id[:8]})" if run.name else run.run_id[:8] for run in found.runs]
    rows = [
        {"key": ("* " if param.differs else "  ") + f"params.{param.key}", **param.values.to_dict()}
        for param in found.params
    ]
    rows += [
        {"key": f"  metrics.{metric.key}", **{entry.run_id: entry.latest for entry in metric.runs}}
        for metric in found.metrics
    ]
    output.table(
        [
            {"key": row["key"], **{name: row.get(run.run_id) for name, run in zip(names, found.runs, strict=True)}}
            for row in rows
        ],
        ["key", *names],
    )
