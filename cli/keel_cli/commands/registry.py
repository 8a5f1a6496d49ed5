"""`keel models …`: registered models, versions, aliases and approvals."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from keel_client.api.models import (
    approval_requests_create,
    approval_requests_decide,
    approval_requests_list,
    model_aliases_set,
    model_versions_create_from_run,
    model_versions_list,
    model_versions_upload,
    models_create,
    models_list,
    models_retrieve,
)
from keel_client.models import (
    AliasSetRequest,
    ApprovalDecisionRequest,
    ApprovalRequestCreateRequest,
    DecisionEnum,
    ModelVersionFromRunRequest,
    ModelVersionUploadRequest,
    RegisteredModelCreateRequest,
)
from keel_client.types import File

from keel_cli import modelfiles, output
from keel_cli.api import KeelError, call
from keel_cli.cliutil import ColumnsOpt, CsvFlag, JsonFlag, ProjectOpt, WideFlag, command, project_slug, view

app = typer.Typer(help="Registered models: versions, aliases, approvals.", no_args_is_help=True)

MODEL_COLUMNS = ["name", "aliases", "latest_version", "version_count", "updated_at"]
VERSION_COLUMNS = ["model", "version", "approval", "health", "aliases", "source", "run_id", "created_at"]
APPROVAL_COLUMNS = ["id", "version", "status", "requested_by", "decided_by", "comment"]


@command(app, "list")
def list_models(
    project: ProjectOpt = "",
    columns: ColumnsOpt = "",
    wide: WideFlag = False,
    as_csv: CsvFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Registered models of a project (aliases as alias: version)."""
    page = call(models_list.sync_detailed, project=project_slug(project), page_size=1000)
    output.listing(page.results, MODEL_COLUMNS, view(as_json, as_csv, columns, wide))


@command(app, "versions")
def versions(
    model: str,
    project: ProjectOpt = "",
    columns: ColumnsOpt = "",
    wide: WideFlag = False,
    as_csv: CsvFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Versions of a registered model."""
    page = call(model_versions_list.sync_detailed, project=project_slug(project), model=model, page_size=1000)
    output.listing(page.results, VERSION_COLUMNS, view(as_json, as_csv, columns, wide))


def _ensure_model(project: str, model: str) -> None:
    try:
        call(models_retrieve.sync_detailed, project=project, model=model)
    except KeelError as error:
        if not str(error).startswith("Error 404"):
            raise
        call(models_create.sync_detailed, project=project, body=RegisteredModelCreateRequest(name=model))


@command(app, "register")
def register(
    model: str,
    run_id: Annotated[str, typer.Option("--run", help="The run whose model artifact becomes the new version")],
    project: ProjectOpt = "",
    description: str = "",
    as_json: JsonFlag = False,
) -> None:
    """Register a run's model as the next version (the registered model is created when missing)."""
    slug = project_slug(project)
    _ensure_model(slug, model)
    body = ModelVersionFromRunRequest(run_id=run_id, description=description)
    version = call(model_versions_create_from_run.sync_detailed, project=slug, model=model, body=body)
    output.show(version, VERSION_COLUMNS, as_json=as_json)


ExampleOpt = Annotated[
    Path | None,
    typer.Option("--input-example", "-e", help="Rows the model predicts on (CSV or JSON); the signature comes from it"),
]


@command(app, "upload")
def upload(
    path: Annotated[Path, typer.Argument(help="A .skops, .pkl or .joblib file, or an MLflow model folder")],
    name: Annotated[str, typer.Option("--name", "-n", help="Registered model name (default: the file's name)")] = "",
    input_example: ExampleOpt = None,
    project: ProjectOpt = "",
    description: str = "",
    as_json: JsonFlag = False,
) -> None:
    """Register a model trained elsewhere as the next version. Pickle/joblib files (and pickled MLflow models) are
    loaded here, on your machine, and uploaded as skops: the server never loads pickles."""
    prepared = modelfiles.prepare(path)
    if input_example is not None:
        rows, source = modelfiles.read_example(input_example), str(input_example)
    elif prepared.example is not None:
        rows, source = prepared.example, f"the input example in {path}"
    else:
        raise modelfiles.user_error(f"{path}: no input example; pass --input-example FILE (CSV or JSON rows)")
    if prepared.model is not None:
        modelfiles.smoke_predict(prepared.model, rows, source)
    model = name or path.stem
    body = ModelVersionUploadRequest(
        file=File(payload=io.BytesIO(prepared.skops), file_name=f"{model}.skops", mime_type="application/zip"),
        input_example=json.dumps(rows),
        description=description,
    )
    version = call(model_versions_upload.sync_detailed, project=project_slug(project), model=model, body=body)
    if as_json:
        output.emit_json(version)
        return
    shown = output.plain(version)
    columns = ", ".join(f"{c['name']} ({c['kind']})" for c in (shown.get("signature") or {}).get("inputs", []))
    typer.echo(
        f"Registered {shown['model']} v{shown['version']} from {path.name} ({prepared.origin}): "
        f"approval {shown.get('approval')}, health {shown.get('health')}"
    )
    typer.echo(f"Signature: {columns}")
    capabilities = shown.get("capabilities") or {}
    lacking = capabilities.get("reasons") or {}
    extras = [k for k in ("signature", "explanations", "onnx_export", "fast_path") if capabilities.get(k)]
    typer.echo(f"Extras: {', '.join(extras) or 'none'}")
    for extra, reason in lacking.items():
        typer.echo(f"  no {extra}: {reason}")


@command(app, "alias")
def alias(
    model: str, name: str, version: int, project: ProjectOpt = "", reason: str = "", as_json: JsonFlag = False
) -> None:
    """Point an alias (e.g. champion) at a version."""
    body = AliasSetRequest(version=version, reason=reason)
    found = call(model_aliases_set.sync_detailed, project=project_slug(project), model=model, alias=name, body=body)
    output.show(found, VERSION_COLUMNS, as_json=as_json)


@command(app, "request-approval")
def request_approval(
    model: str, version: int, project: ProjectOpt = "", comment: str = "", as_json: JsonFlag = False
) -> None:
    """Ask another maintainer to approve a version (the checks are evaluated now)."""
    body = ApprovalRequestCreateRequest(comment=comment)
    found = call(
        approval_requests_create.sync_detailed, project=project_slug(project), model=model, number=version, body=body
    )
    output.show(found, APPROVAL_COLUMNS, as_json=as_json)


def _open_request(project: str, model: str, version: int) -> Any:
    page = call(approval_requests_list.sync_detailed, project=project, model=model, number=version, page_size=100)
    for request in page.results:
        if str(request.status) == "open":
            return request
    raise KeelError(f"{model} v{version} has no open approval request: run `keel models request-approval` first.")


def _decide(model: str, version: int, project: str, decision: DecisionEnum, comment: str, override: str) -> Any:
    slug = project_slug(project)
    request = _open_request(slug, model, version)
    body = ApprovalDecisionRequest(
        decision=decision, comment=comment, override=bool(override), override_reason=override
    )
    return call(
        approval_requests_decide.sync_detailed,
        project=slug,
        model=model,
        number=version,
        request_id=request.id,
        body=body,
    )


OverrideOpt = Annotated[str, typer.Option("--override", help="Approve despite failing checks, for this reason")]


@command(app, "approve")
def approve(
    model: str,
    version: int,
    project: ProjectOpt = "",
    comment: str = "",
    override: OverrideOpt = "",
    as_json: JsonFlag = False,
) -> None:
    """Approve a version's open approval request (not your own)."""
    found = _decide(model, version, project, DecisionEnum.APPROVE, comment, override)
    output.show(found, APPROVAL_COLUMNS, as_json=as_json)


@command(app, "reject")
def reject(model: str, version: int, project: ProjectOpt = "", comment: str = "", as_json: JsonFlag = False) -> None:
    """Reject a version's open approval request."""
    found = _decide(model, version, project, DecisionEnum.REJECT, comment, "")
    output.show(found, APPROVAL_COLUMNS, as_json=as_json)
