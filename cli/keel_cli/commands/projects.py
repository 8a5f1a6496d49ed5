"""`keel projects …` and `keel datasets …`."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Annotated, Any, BinaryIO, cast

import typer
from keel_client.api.datasets import (
    dataset_versions_list,
    dataset_versions_upload,
    datasets_create,
    datasets_list,
    datasets_retrieve,
)
from keel_client.api.projects import projects_create, projects_list, projects_retrieve
from keel_client.models import DatasetCreateRequest, DatasetUploadRequest, ProjectCreateRequest
from keel_client.types import File
from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

from keel_cli import output
from keel_cli.api import KeelError, call
from keel_cli.cliutil import ColumnsOpt, CsvFlag, JsonFlag, ProjectOpt, WideFlag, command, project_slug, view

app = typer.Typer(help="Projects (the tenant: members, roles, datasets, models, deployments).", no_args_is_help=True)
datasets = typer.Typer(help="Datasets and their versions.", no_args_is_help=True)

PROJECT_COLUMNS = ["slug", "name", "task_type", "role", "updated_at"]


@command(app, "list")
def list_projects(
    columns: ColumnsOpt = "",
    wide: WideFlag = False,
    as_csv: CsvFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Projects you are a member of."""
    page = call(projects_list.sync_detailed, page_size=1000)
    output.listing(page.results, PROJECT_COLUMNS, view(as_json, as_csv, columns, wide))


@command(app, "create")
def create_project(
    slug: str,
    name: Annotated[str, typer.Option(help="Display name (default: the slug)")] = "",
    task_type: Annotated[str, typer.Option(help="classification or regression")] = "classification",
    description: str = "",
    require_human_approval: Annotated[
        bool, typer.Option(help="Versions need a second person's approval (off: approved when their checks pass)")
    ] = True,
    as_json: JsonFlag = False,
) -> None:
    """Create a project; you become its owner."""
    body = ProjectCreateRequest.from_dict(
        {
            "slug": slug,
            "name": name or slug,
            "task_type": task_type,
            "description": description,
            "require_human_approval": require_human_approval,
        }
    )
    output.pairs(call(projects_create.sync_detailed, body=body), as_json=as_json)


@command(app, "get")
def get_project(slug: str, as_json: JsonFlag = False) -> None:
    """One project."""
    output.pairs(call(projects_retrieve.sync_detailed, project=slug), as_json=as_json)


DATASET_COLUMNS = ["name", "latest_version", "version_count", "updated_at"]
VERSION_COLUMNS = ["dataset", "number", "format", "row_count", "column_count", "status", "message", "created_at"]


@command(datasets, "list")
def list_datasets(
    project: ProjectOpt = "",
    columns: ColumnsOpt = "",
    wide: WideFlag = False,
    as_csv: CsvFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Datasets of a project."""
    page = call(datasets_list.sync_detailed, project=project_slug(project), page_size=1000)
    output.listing(page.results, DATASET_COLUMNS, view(as_json, as_csv, columns, wide))


@command(datasets, "versions")
def list_versions(
    name: str,
    project: ProjectOpt = "",
    columns: ColumnsOpt = "",
    wide: WideFlag = False,
    as_csv: CsvFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Versions of one dataset."""
    page = call(dataset_versions_list.sync_detailed, project=project_slug(project), dataset=name, page_size=1000)
    output.listing(page.results, VERSION_COLUMNS, view(as_json, as_csv, columns, wide))


class _ProgressReader(io.RawIOBase):
    """A file whose reads advance a progress bar (httpx streams multipart files in chunks)."""

    def __init__(self, handle: io.BufferedReader, progress: Progress, task: Any) -> None:
        self._handle, self._progress, self._task = handle, progress, task

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self._handle.read(size)
        self._progress.advance(self._task, len(chunk))
        return chunk

    def fileno(self) -> int:
        return self._handle.fileno()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._handle.seek(offset, whence)

    def tell(self) -> int:
        return self._handle.tell()


def _ensure_dataset(project: str, name: str) -> None:
    try:
        call(datasets_retrieve.sync_detailed, project=project, dataset=name)
    except KeelError as error:
        if not str(error).startswith("Error 404"):
            raise
        call(datasets_create.sync_detailed, project=project, body=DatasetCreateRequest(name=name))


@command(datasets, "upload")
def upload(
    name: str,
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV or Parquet file")],
    project: ProjectOpt = "",
    message: Annotated[str, typer.Option("--message", "-m", help="What changed in this version")] = "",
    as_json: JsonFlag = False,
) -> None:
    """Upload a file as the next version of a dataset (the dataset is created when missing)."""
    slug = project_slug(project)
    _ensure_dataset(slug, name)
    columns = [*Progress.get_default_columns()[:1], BarColumn(), DownloadColumn(), TransferSpeedColumn()]
    with path.open("rb") as handle, Progress(*columns, console=output.errors, disable=as_json) as progress:
        task = progress.add_task(f"uploading {path.name}", total=path.stat().st_size)
        reader = cast(BinaryIO, _ProgressReader(handle, progress, task))
        payload = File(payload=reader, file_name=path.name)
        body = DatasetUploadRequest(file=payload, message=message)
        version = call(dataset_versions_upload.sync_detailed, project=slug, dataset=name, body=body)
    output.show(version, VERSION_COLUMNS, as_json=as_json)
