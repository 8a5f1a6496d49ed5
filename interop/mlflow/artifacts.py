"""The artifact proxy (``/api/2.0/mlflow-artifacts/artifacts/<experiment_id>/<run_id>/artifacts/<path>``):
uploads become Keel run artifacts (stored under their sha256 by registry services, never under the path),
downloads stream with the hash check, listings show one folder level. Artifacts are immutable in Keel."""

from __future__ import annotations

import tempfile
import unicodedata
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.http import StreamingHttpResponse
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import PayloadTooLarge
from core.models import Project
from core.roles import Action
from interop.mlflow import errors
from interop.mlflow.base import MlflowView, ok, string
from interop.mlflow.lookups import logged_model_by_id, run_by_id
from registry.models import Run
from registry.selectors import experiments as run_selectors
from registry.services import experiments as run_services

READ_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Location:
    run: Run
    path: str  # run-relative; '' is the run's root


def check_safe(path: str) -> str:
    """MLflow's INVALID_PARAMETER_VALUE for traversal, absolute paths and control characters (NUL included)."""
    text = unicodedata.normalize("NFC", path)
    bad = (
        text.startswith("/")
        or "\\" in text
        or any(part == ".." for part in text.split("/"))
        or any(unicodedata.category(char) == "Cc" for char in text)
        or "%2e%2e" in text.lower()
    )
    if bad:
        raise errors.invalid(
            f"Invalid path {path!r}: it must be relative and must not contain '..' or control characters."
        )
    return text


def locate(project: Project, path: str) -> Location:
    """``<experiment_id>/<run_id>/artifacts[/<path>]`` of a run of this project."""
    parts = check_safe(path).strip("/").split("/", 3)
    if len(parts) < 3 or parts[2] != "artifacts" or not parts[0].isdigit():
        raise errors.missing(f"No artifact location {path!r}: expected <experiment_id>/<run_id>/artifacts/<path>.")
    run = run_by_id(project, parts[1])
    if str(run.experiment_id) != parts[0]:
        raise errors.missing(f"Run with id={parts[1]} not found in experiment {parts[0]}")
    return Location(run=run, path=parts[3].strip("/") if len(parts) > 3 else "")


def children(run: Run, folder: str) -> list[dict[str, Any]]:
    """The files and folders directly inside ``folder`` (MLflow lists one level; a file path lists itself)."""
    prefix = f"{folder}/" if folder else ""
    exact = run_selectors.run_artifact_find(run=run, path=folder) if folder else None
    if exact is not None:
        return [{"path": folder.rsplit("/", 1)[-1], "is_dir": False, "file_size": exact.size}]
    entries: dict[str, dict[str, Any]] = {}
    for artifact in run_selectors.run_artifact_list(run=run, path=folder):
        head, _, rest = artifact.path.removeprefix(prefix).partition("/")
        if rest:
            entries.setdefault(head, {"path": head, "is_dir": True})
        else:
            entries[head] = {"path": head, "is_dir": False, "file_size": artifact.size}
    return [entries[name] for name in sorted(entries)]


def _spool(request: Request) -> IO[bytes]:
    """The raw request body in a temporary file, refused past KEEL_MAX_UPLOAD_BYTES."""
    limit = settings.KEEL_MAX_UPLOAD_BYTES
    spooled = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - returned to the caller
    size = 0
    while chunk := request._request.read(READ_CHUNK):
        size += len(chunk)
        if size > limit:
            spooled.close()
            raise PayloadTooLarge(f"The upload is over the limit of {limit} bytes.")
        spooled.write(chunk)
    spooled.seek(0)
    return spooled  # type: ignore[return-value]


class ArtifactList(MlflowView):
    access = {"GET": Action.READ}

    def get(self, request: Request) -> Response:
        path = string(self.body(), "path")
        if not path.strip("/"):
            return ok({"files": []})
        location = locate(self.project, path)
        return ok({"files": children(location.run, location.path)})


class ArtifactFile(MlflowView):
    access = {"GET": Action.READ, "PUT": Action.WRITE, "DELETE": Action.WRITE}

    def get(self, request: Request, artifact_path: str) -> StreamingHttpResponse:
        location = locate(self.project, artifact_path)
        artifact = run_selectors.run_artifact_get(run=location.run, path=location.path)
        response = StreamingHttpResponse(
            run_selectors.run_artifact_content(artifact=artifact), content_type="application/octet-stream"
        )
        response["Content-Length"] = str(artifact.size)
        return response

    def put(self, request: Request, artifact_path: str) -> Response:
        location = locate(self.project, artifact_path)
        if not location.path:
            raise errors.invalid("An artifact upload needs a file path below the run's artifact root.")
        with _spool(request) as body:
            run_services.run_artifact_put(
                run=location.run,
                user=self.user,
                path=location.path,
                fileobj_or_bytes=body,
                content_type=request.content_type if request.content_type != "application/octet-stream" else "",
            )
        return ok()

    def delete(self, request: Request, artifact_path: str) -> Response:
        raise errors.MlflowError(errors.NOT_IMPLEMENTED, "Keel artifacts are immutable: they cannot be deleted.")


class RunArtifactList(MlflowView):
    """``GET /api/2.0/mlflow/artifacts/list?run_id=&path=``: paths relative to the run's artifact root."""

    access = {"GET": Action.READ}

    def get(self, request: Request) -> Response:
        data = self.body()
        run = run_by_id(self.project, data.get("run_id") or data.get("run_uuid"))
        folder = check_safe(string(data, "path")).strip("/")
        files = children(run, folder)
        for item in files:
            item["path"] = f"{folder}/{item['path']}" if folder else item["path"]
        return ok({"root_uri": f"mlflow-artifacts:/{run.experiment_id}/{run.run_id}/artifacts", "files": files})


class LoggedModelArtifactList(MlflowView):
    access = {"GET": Action.READ}

    def get(self, request: Request, model_id: str) -> Response:
        model = logged_model_by_id(self.project, model_id)
        folder = check_safe(string(self.body(), "artifact_directory_path")).strip("/")
        base = f"{model.folder}/{folder}" if folder else model.folder
        files = children(model.run, base)
        for item in files:
            item["path"] = f"{folder}/{item['path']}" if folder else item["path"]
        return ok({"files": files})
