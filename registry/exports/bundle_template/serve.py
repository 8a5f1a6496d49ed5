"""Serve one Keel model over HTTP with the standard library: ``GET /health``, ``GET /signature``, ``POST /predict``.

Copied into every bundle by Keel (registry/exports/bundle_template/serve.py). Needs only the pinned packages of
requirements.txt. On start it checks the model's sha256 against metadata.json and loads it with skops, trusting
exactly the types in model/trusted_types.json; Keel's preprocessing functions come from the vendored ``training``
package next to this file.

    python serve.py [--host 0.0.0.0] [--port 8080]     # PORT in the environment also sets the port; 0 picks one
    curl -s localhost:8080/predict -d '{"inputs": [{"feature": 1.0}]}'

``POST /predict`` takes ``{"inputs": [{feature: value, ...}, ...]}`` with every feature of model/signature.json and
no other; ``null`` is a missing value (the pipeline imputes it). It answers ``{"predictions": [...]}``, plus
``"probabilities"`` (one list per row, in ``"classes"`` order) for classifiers. Bad requests get a 400 problem
document: ``{"type", "title", "status", "detail", "errors": [{"field", "message", "code"}]}``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import signal
import sys
import traceback
import urllib.parse
import urllib.request
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
MAX_BODY_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000
NUMBER_KINDS = frozenset({"numeric", "integer"})
SCALAR_KINDS = frozenset({"categorical", "boolean", "text"})


class RequestError(Exception):
    """A request the server refuses, with its HTTP status and per-field errors."""

    def __init__(self, status: HTTPStatus, detail: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors or []


# --- the model --------------------------------------------------------------------------------------------------


def read_json(relative: str) -> Any:
    return json.loads((ROOT / relative).read_text())


def load_model(metadata: dict[str, Any]) -> Any:
    """The pipeline, after checking its hash and that it holds no type outside model/trusted_types.json."""
    import skops.io as sio

    data = (ROOT / metadata["bundle"]["model_path"]).read_bytes()
    if hashlib.sha256(data).hexdigest() != metadata["bundle"]["model_sha256"]:
        raise SystemExit("model file does not match the sha256 in metadata.json; refusing to load it")
    trusted = read_json("model/trusted_types.json")
    extra = sorted(set(sio.get_untrusted_types(data=data)) - set(trusted))
    if extra:
        raise SystemExit(f"model holds types not listed in model/trusted_types.json: {', '.join(extra)}")
    return sio.loads(data, trusted=trusted)


class Model:
    """The loaded pipeline with its signature: validates rows and predicts."""

    def __init__(self) -> None:
        self.metadata = read_json("metadata.json")
        self.signature = read_json("model/signature.json")
        self.features = [(item["name"], item["kind"]) for item in self.signature["inputs"]]
        self.pipeline = load_model(self.metadata)
        self.classifier = self.signature["output"].get("task_type") == "classification"

    def predict(self, payload: Any) -> dict[str, Any]:
        frame = self.frame(validate(payload, self.features))
        result: dict[str, Any] = {"predictions": self.pipeline.predict(frame).tolist()}
        if self.classifier:
            result["probabilities"] = self.pipeline.predict_proba(frame).tolist()
            result["classes"] = self.pipeline.classes_.tolist()
        return result

    def frame(self, rows: list[dict[str, Any]]) -> Any:
        import pandas as pd

        frame = pd.DataFrame.from_records(rows, columns=[name for name, _ in self.features])
        for name, kind in self.features:
            if kind in NUMBER_KINDS:
                frame[name] = frame[name].astype("float64")
        return frame


# --- validation -------------------------------------------------------------------------------------------------


def validate(payload: Any, features: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """The rows of ``{"inputs": [...]}``; raises ``RequestError`` (400) listing every problem."""
    if not isinstance(payload, dict) or not isinstance(payload.get("inputs"), list):
        raise RequestError(HTTPStatus.BAD_REQUEST, 'expected a JSON object {"inputs": [{feature: value}, ...]}')
    rows = payload["inputs"]
    if not 1 <= len(rows) <= MAX_ROWS:
        raise RequestError(HTTPStatus.BAD_REQUEST, f"inputs must hold 1 to {MAX_ROWS} rows")
    errors = [error for index, row in enumerate(rows) for error in row_errors(index, row, features)]
    if errors:
        raise RequestError(HTTPStatus.BAD_REQUEST, "the inputs do not match the model signature", errors[:100])
    return rows


def row_errors(index: int, row: Any, features: list[tuple[str, str]]) -> list[dict[str, str]]:
    where = f"inputs[{index}]"
    if not isinstance(row, dict):
        return [{"field": where, "message": "must be an object keyed by feature name", "code": "invalid"}]
    kinds = dict(features)
    errors = [
        {"field": f"{where}.{name}", "message": "this feature is required (null if missing)", "code": "required"}
        for name, _ in features
        if name not in row
    ]
    errors += [
        {"field": f"{where}.{name}", "message": "unknown feature", "code": "unknown_feature"}
        for name in row
        if name not in kinds
    ]
    for name, value in row.items():
        message = value_error(kinds[name], value) if name in kinds else None
        if message:
            errors.append({"field": f"{where}.{name}", "message": message, "code": "invalid_type"})
    return errors


def value_error(kind: str, value: Any) -> str | None:
    """Why ``value`` cannot be given for a feature of ``kind``, or None."""
    if value is None:
        return None
    if kind in NUMBER_KINDS:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "must be a number or null"
        return None if math.isfinite(value) else "must be finite"
    if kind in SCALAR_KINDS:
        ok = isinstance(value, str | bool | int) or (isinstance(value, float) and math.isfinite(value))
        return None if ok else "must be a string, number, boolean or null"
    return None if isinstance(value, str) else "must be an ISO 8601 date-time string or null"


# --- HTTP -------------------------------------------------------------------------------------------------------


def problem(status: HTTPStatus, detail: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "about:blank", "title": status.phrase, "status": int(status), "detail": detail}
    return body | ({"errors": errors} if errors else {})


class Handler(BaseHTTPRequestHandler):
    """JSON in, JSON out; every failure is a problem document."""

    model: Model
    server_version = "keel-bundle/1"

    def do_GET(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        if path == "/health":
            bundle = self.model.metadata["bundle"]
            self.reply(HTTPStatus.OK, {"status": "ok", "model_sha256": bundle["model_sha256"]})
        elif path == "/signature":
            self.reply(HTTPStatus.OK, self.model.signature)
        else:
            self.reply(HTTPStatus.NOT_FOUND, problem(HTTPStatus.NOT_FOUND, f"no route GET {path}"))

    def do_POST(self) -> None:
        try:
            path = urllib.parse.urlsplit(self.path).path
            if path != "/predict":
                raise RequestError(HTTPStatus.NOT_FOUND, f"no route POST {path}")
            self.reply(HTTPStatus.OK, self.model.predict(self.read_json()))
        except RequestError as exc:
            self.reply(exc.status, problem(exc.status, exc.detail, exc.errors))
        except Exception:  # one bad request must not take the server down
            traceback.print_exc()
            status = HTTPStatus.INTERNAL_SERVER_ERROR
            self.reply(status, problem(status, "prediction failed; see the server log"))

    def read_json(self) -> Any:
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            raise RequestError(HTTPStatus.LENGTH_REQUIRED, "send the JSON body with a Content-Length")
        if int(length) > MAX_BODY_BYTES:
            raise RequestError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the body exceeds {MAX_BODY_BYTES} bytes")
        try:
            return json.loads(self.rfile.read(int(length)), parse_constant=reject_constant)
        except ValueError as exc:
            raise RequestError(HTTPStatus.BAD_REQUEST, f"the body is not valid JSON: {exc}") from exc

    def reply(self, status: HTTPStatus, body: dict[str, Any]) -> None:
        data = json.dumps(body, allow_nan=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/problem+json" if status >= 400 else "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


# --- command line -----------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="0.0.0.0", help="address to bind (default 0.0.0.0)")  # noqa: S104
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")), help="default $PORT or 8080")
    parser.add_argument("--check", action="store_true", help="probe GET /health on 127.0.0.1 and exit 0 or 1")
    return parser.parse_args(argv)


def check(port: int) -> int:
    """Exit status for Docker's HEALTHCHECK."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=3) as response:
            return 0 if response.status == HTTPStatus.OK else 1
    except OSError:
        return 1


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.check:
        return check(args.port)
    Handler.model = Model()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"serving on http://{args.host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
