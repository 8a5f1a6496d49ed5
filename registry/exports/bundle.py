"""A self-contained serving bundle for one model version: a deterministic tar.gz (pure: no Django).

Layout (entries sorted, mtime/uid/gid fixed, gzip header without name or time, so equal inputs give equal bytes)::

    Dockerfile                  python:<version>-slim-bookworm, non-root, EXPOSE 8080, HEALTHCHECK, CMD serve.py
    README.md                   how to run it, the inputs, an example request
    metadata.json               the caller's metadata plus "bundle": format, model sha256, python, requirements
    model/model.skops           the pipeline, loaded with skops trusting exactly model/trusted_types.json
    model/signature.json        what serve.py validates requests against
    model/input_example.json
    model/trusted_types.json    skops.io.get_untrusted_types of the model, at build time (all on TRUSTED_TYPES)
    requirements.txt            pinned: numpy, pandas, scikit-learn, scipy, skops (see current_requirements)
    serve.py                    stdlib HTTP server: GET /health, GET /signature, POST /predict
    training/...                the Keel functions the pickle-free model references by import path (e.g.
                                training.trainers.pipeline.to_category_strings), vendored under that same path

The vendored module is generated from the real module's source (``inspect.getsource``): the referenced functions
plus, transitively, the top-level imports, constants and helpers they use, in source order. Nothing else from
Keel is copied, so the bundle cannot drift from what the model was trained with and does not need Keel installed.
"""

from __future__ import annotations

import ast
import gzip
import hashlib
import importlib
import importlib.metadata
import inspect
import io
import json
import platform
import re
import tarfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import skops.io as sio

from registry.model_io import TRUSTED_TYPES

BUNDLE_FORMAT = 1
FIXED_MTIME = 946_684_800  # 2000-01-01T00:00:00Z: tar tools warn about 1970 timestamps
REQUIRED_PACKAGES = ("numpy", "pandas", "scikit-learn", "scipy", "skops")
PROVIDED_MODULES = frozenset({"builtins", "numpy", "pandas", "scipy", "sklearn", "skops"})
TEMPLATE_DIR = Path(__file__).with_name("bundle_template")
MODEL_PATH = "model/model.skops"

_PACKAGE_NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+!_-]*$")
_PYTHON_VERSION = re.compile(r"^3\.\d+\.\d+$")

__all__ = ["BundleError", "build_bundle", "current_requirements", "vendored_source"]


class BundleError(ValueError):
    """The bundle cannot be built from these inputs; the message says why."""


def current_requirements() -> dict[str, str]:
    """Installed versions of the packages a bundle pins, e.g. ``{"scikit-learn": "1.9.1", ...}``."""
    return {name: importlib.metadata.version(name) for name in REQUIRED_PACKAGES}


def build_bundle(
    *,
    model_bytes: bytes,
    model_format: str = "skops",
    signature: Mapping[str, Any],
    input_example: list[Any],
    metadata: Mapping[str, Any],
    requirements: Mapping[str, str],
    python_version: str | None = None,
) -> bytes:
    """The bundle as tar.gz bytes. ``python_version`` (default: this interpreter's) picks the Docker base image."""
    if model_format != "skops":
        raise BundleError(f"only skops models can be bundled, not {model_format!r}")
    python = python_version or platform.python_version()
    if not _PYTHON_VERSION.match(python):
        raise BundleError(f"python_version must look like 3.11.7, not {python!r}")
    trusted = _trusted_types(model_bytes)
    pins = _pins(requirements)
    files = {
        "Dockerfile": _render("Dockerfile", python_version=python),
        "README.md": _readme(signature, input_example, metadata, python),
        "metadata.json": _json(_metadata(metadata, model_bytes, python, pins)),
        MODEL_PATH: model_bytes,
        "model/signature.json": _json(signature),
        "model/input_example.json": _json(input_example),
        "model/trusted_types.json": _json(trusted),
        "requirements.txt": _requirements_txt(pins),
        "serve.py": (TEMPLATE_DIR / "serve.py").read_bytes(),
        **_vendored_files(trusted),
    }
    return _tar_gz(files)


# --- model, requirements, metadata ------------------------------------------------------------------------------


def _trusted_types(model_bytes: bytes) -> list[str]:
    try:
        found = sorted(set(sio.get_untrusted_types(data=model_bytes)))
    except Exception as exc:  # skops raises zipfile/json/key errors for bytes that are not a skops file
        raise BundleError(f"model_bytes is not a readable skops file: {exc}") from exc
    refused = [name for name in found if name not in TRUSTED_TYPES]
    if refused:
        raise BundleError(f"the model holds types outside the trusted allow-list: {', '.join(refused)}")
    return found


def _pins(requirements: Mapping[str, str]) -> dict[str, str]:
    missing = [name for name in REQUIRED_PACKAGES if name not in requirements]
    if missing:
        raise BundleError(f"requirements lack versions for: {', '.join(missing)}")
    for name, version in requirements.items():
        if not _PACKAGE_NAME.match(name) or not isinstance(version, str) or not _VERSION.match(version):
            raise BundleError(f"invalid requirement {name!r}: {version!r}")
    return {name: requirements[name] for name in sorted(requirements, key=str.lower)}


def _requirements_txt(pins: Mapping[str, str]) -> bytes:
    lines = ["# Pinned by Keel when the bundle was built: the versions the model is known to load with."]
    lines += [f"{name}=={version}" for name, version in pins.items()]
    return ("\n".join(lines) + "\n").encode()


def _metadata(metadata: Mapping[str, Any], model_bytes: bytes, python: str, pins: Mapping[str, str]) -> dict[str, Any]:
    if "bundle" in metadata:
        raise BundleError('metadata key "bundle" is reserved for the bundle description')
    bundle = {
        "format": BUNDLE_FORMAT,
        "model_format": "skops",
        "model_path": MODEL_PATH,
        "model_sha256": hashlib.sha256(model_bytes).hexdigest(),
        "python": python,
        "requirements": dict(pins),
    }
    return {**metadata, "bundle": bundle}


def _json(value: Any) -> bytes:
    return (_json_text(value, indent=2) + "\n").encode()


def _json_text(value: Any, indent: int | None = None) -> str:
    try:
        return json.dumps(value, indent=indent, sort_keys=True, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise BundleError(f"not JSON-safe: {exc}") from exc


# --- templates --------------------------------------------------------------------------------------------------


def _render(name: str, **values: str) -> bytes:
    text = (TEMPLATE_DIR / name).read_text()
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text.encode()


def _readme(signature: Mapping[str, Any], input_example: list[Any], metadata: Mapping[str, Any], python: str) -> bytes:
    title = " ".join(str(metadata[key]) for key in ("name", "version") if key in metadata) or "Keel model"
    rows = [f"| `{item['name']}` | {item['kind']} | {item.get('dtype', '')} |" for item in signature["inputs"]]
    example = _json_text({"inputs": input_example[:1]})
    return _render(
        "README.md",
        title=title,
        python_version=python,
        task_type=str(signature["output"].get("task_type", "")),
        inputs_table="\n".join(["| feature | kind | dtype |", "|---|---|---|", *rows]),
        example_request=example.replace("'", "'\\''"),
    )


# --- vendored Keel functions ------------------------------------------------------------------------------------


def _vendored_files(trusted: Iterable[str]) -> dict[str, bytes]:
    by_module: dict[str, list[str]] = {}
    for dotted in trusted:
        module, _, name = dotted.rpartition(".")
        if module.split(".")[0] not in PROVIDED_MODULES:
            by_module.setdefault(module, []).append(name)
    files: dict[str, bytes] = {}
    for module, names in sorted(by_module.items()):
        parts = module.split(".")
        files |= {"/".join([*parts[:depth], "__init__.py"]): b"" for depth in range(1, len(parts))}
        files["/".join(parts) + ".py"] = vendored_source(module, names).encode()
    return files


def vendored_source(module_name: str, names: Iterable[str]) -> str:
    """Source of a module holding just ``names`` (functions of ``module_name``) and what they need from it."""
    module = importlib.import_module(module_name)
    for name in names:
        if not inspect.isfunction(getattr(module, name, None)):
            raise BundleError(f"{module_name}.{name} is not a function; only functions can be vendored")
    source = inspect.getsource(module)
    tree = ast.parse(source)
    wanted = _closure(tree, set(names))
    kept = [statement for statement in tree.body if _defines(statement, wanted)]
    imports = [_statement_source(source, item, wanted) for item in kept if _is_import(item)]
    bodies = [_statement_source(source, item, wanted) for item in kept if not _is_import(item)]
    header = f'"""Vendored by Keel from {module_name}: only what the bundled model references. Do not edit."""'
    return "\n\n\n".join([f"{header}\n\n" + "\n".join(imports), *bodies]) + "\n"


def _defined_names(statement: ast.stmt) -> set[str]:
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {statement.name}
    if isinstance(statement, ast.Import | ast.ImportFrom):
        return {(alias.asname or alias.name).split(".")[0] for alias in statement.names}
    if isinstance(statement, ast.Assign | ast.AnnAssign):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        return {node.id for target in targets for node in ast.walk(target) if isinstance(node, ast.Name)}
    return set()


def _is_import(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Import | ast.ImportFrom)


def _is_future(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.ImportFrom) and statement.module == "__future__"


def _defines(statement: ast.stmt, wanted: set[str]) -> bool:
    return _is_future(statement) or bool(_defined_names(statement) & wanted)


def _closure(tree: ast.Module, names: set[str]) -> set[str]:
    """``names`` plus every top-level name their definitions use, transitively."""
    definitions = {name: statement for statement in tree.body for name in _defined_names(statement)}
    wanted: set[str] = set()
    pending = [name for name in names if name in definitions]
    while pending:
        name = pending.pop()
        if name in wanted:
            continue
        wanted.add(name)
        used = {node.id for node in ast.walk(definitions[name]) if isinstance(node, ast.Name)}
        pending.extend(sorted(used & set(definitions) - wanted))
    return wanted


def _statement_source(source: str, statement: ast.stmt, wanted: set[str]) -> str:
    """An import keeps only the wanted names; anything else is copied verbatim, decorators included."""
    if isinstance(statement, ast.Import | ast.ImportFrom) and not _is_future(statement):
        kept = [alias for alias in statement.names if (alias.asname or alias.name).split(".")[0] in wanted]
        return ast.unparse(type(statement)(**{**_fields(statement), "names": kept}))
    decorators = getattr(statement, "decorator_list", [])
    start = min([statement.lineno, *(node.lineno for node in decorators)])
    return "".join(source.splitlines(keepends=True)[start - 1 : statement.end_lineno]).rstrip()


def _fields(node: ast.AST) -> dict[str, Any]:
    return {name: getattr(node, name) for name in node._fields}


# --- archive ----------------------------------------------------------------------------------------------------


def _directories(paths: Iterable[str]) -> set[str]:
    return {"/".join(path.split("/")[:depth]) for path in paths for depth in range(1, path.count("/") + 1)}


def _entry(name: str, *, size: int = 0, directory: bool = False) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE if directory else tarfile.REGTYPE
    info.mode = 0o755 if directory else 0o644
    info.size, info.mtime = size, FIXED_MTIME
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _tar_gz(files: Mapping[str, bytes]) -> bytes:
    """Entries sorted by path, directories included, fixed metadata; gzip with mtime 0 and no file name."""
    directories = _directories(files)
    raw = io.BytesIO()
    with (
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as compressed,
        tarfile.open(fileobj=compressed, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        for path in sorted(directories | set(files)):
            if path in directories:
                tar.addfile(_entry(path, directory=True))
            else:
                tar.addfile(_entry(path, size=len(files[path])), io.BytesIO(files[path]))
    return raw.getvalue()
