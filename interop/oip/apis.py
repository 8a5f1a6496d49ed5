"""Open Inference Protocol (v2) views: a Keel deployment is a v2 model named after the deployment.

The views only translate: tensors in, Keel's columnar rows to ``serving.inference.predict`` (routing, sticky A/B,
validation, the prediction log and prediction ids all happen there, exactly as for ``…/predict``), tensors out.
Errors take the protocol's shape ``{"error": "..."}`` with Keel's status codes.

The project comes from the ``X-Keel-Project`` header, else the token's default project, else the service account's
project, else the caller's only project. Inference needs the PREDICT action (as ``…/predict``); metadata and
readiness need READ, or PREDICT for service accounts (they hold the predictor role, and the signature is what they
need to call inference).
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import context
from core.base_views import ProjectAPIView, caller_label
from core.errors import NotFound, ServiceUnavailable, ValidationFailed
from core.health import check_cache, check_database
from core.parsers import nesting_message, nesting_over
from core.roles import Action
from core.selectors import project_slugs_for_user
from core.throttling import PredictThrottle
from interop.oip import tensors
from interop.projects import header_project_slug, token_project_slug
from serving import inference, runtime
from serving.models import VariantRole
from serving.routing import Route, RoutingTable

ROUTING_KEY_HEADER = "HTTP_X_KEEL_ROUTING_KEY"
PLATFORM = "keel_sklearn"


def error_message(body: Any) -> str:
    """One line from a problem-details body: the detail, and every field error not already in it."""
    if not isinstance(body, dict):
        return str(body)
    detail = str(body.get("detail") or body.get("title") or "error")
    extra = [f"{e.get('field')}: {e.get('message')}" for e in body.get("errors", []) if e.get("message") not in detail]
    return f"{detail} ({'; '.join(extra)})" if extra else detail


def oip_error_shape(request: HttpRequest, response: JsonResponse) -> JsonResponse:
    """Django's own 4xx/5xx answers (no route, a crash) in the protocol's shape under /v2/."""
    if not request.path.startswith("/v2/"):
        return response
    return JsonResponse({"error": error_message(json.loads(response.content))}, status=response.status_code)


class _Public(APIView):
    public = True
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes: list[type] = []
    renderer_classes = [JSONRenderer]


@extend_schema(exclude=True)
class ServerLiveApi(_Public):
    def get(self, request: Request) -> Response:
        return Response({"live": True})


@extend_schema(exclude=True)
class ServerReadyApi(_Public):
    def get(self, request: Request) -> Response:
        failing = [name for name, check in (("database", check_database), ("cache", check_cache)) if not check()[0]]
        if failing:
            return Response({"ready": False, "error": f"unavailable: {', '.join(failing)}"}, status=503)
        return Response({"ready": True})


@extend_schema(exclude=True)
class ServerMetadataApi(_Public):
    def get(self, request: Request) -> Response:
        version = settings.KEEL_CODE_VERSION or "dev"
        return Response({"name": "keel", "version": version, "extensions": ["binary_tensor_data"]})


class _ModelView(ProjectAPIView):
    """A v2 model: the project is resolved before ProjectAccess makes the usual membership and role decision."""

    renderer_classes = [JSONRenderer]
    parser_classes: list[type] = []  # the body is read raw: clients need not send a Content-Type
    filter_backends: list[type] = []
    access = {"GET": Action.READ}

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        user = request.user  # authenticates (401 on a bad token)
        if user is not None and user.is_authenticated:
            self.kwargs = {**self.kwargs, "project": self._project_slug(request)}  # the handler's own stay as they are
            if user.is_service_account and "GET" in self.access:
                self.access = {**self.access, "GET": Action.PREDICT}  # type: ignore[misc]
        super().initial(request, *args, **kwargs)

    def _project_slug(self, request: Request) -> str:
        slug = header_project_slug(request) or token_project_slug(request)
        if slug:
            return slug
        user = self.user
        slugs = project_slugs_for_user(user=user, limit=2)
        if len(slugs) == 1:
            return slugs[0]
        if not slugs:
            raise NotFound("You belong to no project.")
        raise ValidationFailed.field("X-Keel-Project", "you belong to several projects: name one in this header")

    def handle_exception(self, exc: Exception) -> Any:
        if isinstance(exc, tensors.TensorError):
            exc = ValidationFailed(str(exc))
        response = super().handle_exception(exc)
        response.data = {"error": error_message(response.data)}
        return response

    def table(self, model: str, version: str | None) -> runtime.DeploymentTable:
        """The deployment's routing table; with a version, pinned to the live variant serving that version."""
        table = runtime.routes.resolve(self.project.pk, model)
        if version is None:
            return table
        for route in table.table.live:
            if str(table.variants[route.name].version.number) == version:
                only = [Route(route.name, 100.0, route.version_id)]
                pinned = RoutingTable(salt=table.table.salt, live=only, shadows=table.table.shadows)
                return dataclasses.replace(table, table=pinned)
        raise NotFound(f"Model {model!r} has no live version {version!r}.")


def reference_variant(table: runtime.DeploymentTable) -> runtime.VariantInfo:
    """The variant whose signature the metadata describes: the primary, else the live variant with most weight."""
    live = sorted(table.table.live, key=lambda r: -r.weight)
    if not live:
        raise ServiceUnavailable(f"No variant of {table.name!r} can take traffic (unhealthy or unapproved).")
    primary = [r for r in live if table.variants[r.name].role == VariantRole.PRIMARY]
    return table.variants[(primary or live)[0].name]


def output_names(table: runtime.DeploymentTable) -> list[str]:
    probabilities = reference_variant(table).version.signature.get("output", {}).get("probabilities")
    return ["predictions", "probabilities", "prediction_ids"] if probabilities else ["predictions", "prediction_ids"]


def model_metadata(table: runtime.DeploymentTable) -> dict[str, Any]:
    signature = reference_variant(table).version.signature
    output = signature.get("output", {})
    inputs = [
        {"name": f["name"], "datatype": tensors.KIND_DATATYPES.get(f.get("kind", ""), "BYTES"), "shape": [-1]}
        for f in signature.get("inputs", [])
    ]
    classes = output.get("classes")
    predictions = "FP64" if output.get("prediction") == "value" else tensors.datatype_of(classes or [])
    outputs = [{"name": "predictions", "datatype": predictions, "shape": [-1]}]
    if output.get("probabilities"):
        outputs.append({"name": "probabilities", "datatype": "FP64", "shape": [-1, len(classes or [])]})
    outputs.append({"name": "prediction_ids", "datatype": "BYTES", "shape": [-1]})
    versions = sorted({str(table.variants[r.name].version.number) for r in table.table.live}, key=int)
    return {"name": table.name, "versions": versions, "platform": PLATFORM, "inputs": inputs, "outputs": outputs}


@extend_schema(exclude=True)
class ModelMetadataApi(_ModelView):
    def get(self, request: Request, model: str, version: str | None = None) -> Response:
        table = self.table(model, version)
        body = model_metadata(table)
        if version is not None:
            body["versions"] = [version]
        return Response(body)


@extend_schema(exclude=True)
class ModelReadyApi(_ModelView):
    def get(self, request: Request, model: str, version: str | None = None) -> Response:
        table = self.table(model, version)
        if not table.table.live:
            raise ServiceUnavailable(f"No variant of {model!r} can take traffic (unhealthy or unapproved).")
        for route in table.table.live:
            runtime.models.get(table.variants[route.name].version)  # loads (hash-checked) on the first call
        return Response({"name": model, "ready": True})


_ROW_FIELD = re.compile(r"^inputs\[(\d+)\]\.(.+)$")


def _tensor_errors(exc: ValidationFailed, decoded: tensors.Decoded) -> ValidationFailed:
    """Keel's per-row field errors (``inputs[3].age``) renamed after the tensors the values came from."""
    messages = []
    for error in exc.errors:
        match = _ROW_FIELD.match(str(error.get("field") or ""))
        if match is None:
            messages.append(f"{error.get('field')}: {error.get('message')}")
            continue
        row, feature = int(match.group(1)), match.group(2)
        source = decoded.origin.get(feature, f"input tensor {feature!r}")
        if error.get("code") == "unknown_feature":
            messages.append(f"unknown {source}: the model has no feature {feature!r}")
        elif error.get("code") == "missing_feature":
            messages.append(f"missing input tensor {feature!r} (one per feature, or one [N, F] tensor)")
        else:
            messages.append(f"{source} row {row}: {error.get('message')}")
    unique = list(dict.fromkeys(messages))
    return ValidationFailed("; ".join(unique[:5]) + (f" (and {len(unique) - 5} more)" if len(unique) > 5 else ""))


@extend_schema(exclude=True)
class ModelInferApi(_ModelView):
    access = {"POST": Action.PREDICT}
    audit_exempt = True  # every prediction has its own row in the prediction log
    cache_access = True  # the hot path: token and membership from the per-process access cache
    throttle_classes = [PredictThrottle]

    def post(self, request: Request, model: str, version: str | None = None) -> HttpResponse:
        header, binary = tensors.split_body(request.body, request.headers.get("Inference-Header-Content-Length"))
        body = _json_object(header)
        table = self.table(model, version)
        features = [f["name"] for f in reference_variant(table).version.signature.get("inputs", [])]
        decoded = tensors.decode_inputs(body, binary, features)
        chosen = tensors.requested_outputs(body, output_names(table))  # refused before anything is predicted
        try:
            result = inference.predict(table, self._call(request, body, decoded))
        except ValidationFailed as exc:
            raise _tensor_errors(exc, decoded) if exc.errors else exc from None
        return _infer_response(body, result, chosen)

    def _call(self, request: Request, body: dict[str, Any], decoded: tensors.Decoded) -> inference.PredictRequest:
        parameters = body.get("parameters") or {}
        if not isinstance(parameters, dict):
            raise tensors.TensorError("parameters must be an object")
        routing_key = parameters.get("routing_key") or request.META.get(ROUTING_KEY_HEADER, "")
        if not isinstance(routing_key, str) or len(routing_key) > 200:
            raise tensors.TensorError("parameters.routing_key must be a string of at most 200 characters")
        ctx = context.current()
        return inference.PredictRequest(
            payload={"columns": decoded.columns, "data": decoded.data},
            routing_key=routing_key,
            explain=False,
            caller=caller_label(self),
            request_id=ctx.request_id if ctx else "",
        )


def _json_object(raw: bytes) -> dict[str, Any]:
    limit = settings.KEEL_MAX_JSON_DEPTH
    if nesting_over(raw, limit):
        raise tensors.TensorError(f"the request body is {nesting_message(limit)}")
    try:
        body = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise tensors.TensorError(f"the request body is not valid JSON: {exc}") from None
    except RecursionError:
        raise tensors.TensorError(f"the request body is {nesting_message(limit)}") from None
    if not isinstance(body, dict):
        raise tensors.TensorError("the request body must be a JSON object with inputs")
    return body


def _output_tensors(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    predictions, n = result["predictions"], len(result["predictions"])
    out = {"predictions": tensors.output_tensor("predictions", tensors.datatype_of(predictions), [n], predictions)}
    if "probabilities" in result:
        width = len(result["classes"])
        flat = [p for row in result["probabilities"] for p in row]
        out["probabilities"] = tensors.output_tensor("probabilities", "FP64", [n, width], flat)
    out["prediction_ids"] = tensors.output_tensor("prediction_ids", "BYTES", [n], result["prediction_ids"])
    return out


def _infer_response(body: dict[str, Any], result: dict[str, Any], chosen: list[tuple[str, bool]]) -> HttpResponse:
    available = _output_tensors(result)
    parameters: dict[str, Any] = {
        "request_id": result["request_id"],
        "deployment": result["deployment"],
        "revision": result["revision"],
        "variant": result["variant"],
        "registered_model": result["model"]["name"],
    }
    if "classes" in result:
        parameters["classes"] = json.dumps(result["classes"])
    response: dict[str, Any] = {
        "model_name": result["deployment"],
        "model_version": str(result["model"]["version"]),
        "id": str(body.get("id") or result["request_id"]),
        "parameters": parameters,
        "outputs": [],
    }
    blobs = []
    for name, binary in chosen:
        tensor = available.get(name)
        if tensor is None:  # a variant of another kind than the metadata describes
            continue
        if binary:
            blobs.append(tensors.to_binary(tensor))
        response["outputs"].append(tensor)
    header = json.dumps(response).encode()
    if not blobs:
        return HttpResponse(header, content_type="application/json")
    answer = HttpResponse(header + b"".join(blobs), content_type="application/octet-stream")
    answer["Inference-Header-Content-Length"] = str(len(header))
    return answer
