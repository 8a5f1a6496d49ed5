"""The import graph of the server code, read with ``ast``: no private name crosses a module boundary (imported, or
read as an attribute of an imported module), and no import is moved into a function to dodge a cycle (a
function-level import of a module that imports this one back)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "registry", "training", "serving", "monitoring", "interop", "declarative", "console", "config")


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or "bundle_template" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _ours(name: str) -> bool:
    return name.split(".")[0] in APPS


def _base(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".")
    if MODULES[module].name != "__init__.py":
        package = package[:-1]
    package = package[: len(package) - node.level + 1]
    return ".".join([*package, *([node.module] if node.module else [])])


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> Iterator[tuple[str, str | None]]:
    """(imported module, imported name or None) of one import statement."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name, None
        return
    base = _base(module, node)
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        yield (sub, None) if sub in MODULES else (base, alias.name)


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(tree: ast.AST) -> Iterator[tuple[ast.Import | ast.ImportFrom, str]]:
    """Every import with where it runs: "module" (at import time), "function" or "typing" (never executed)."""

    def visit(node: ast.AST, where: str) -> Iterator[tuple[ast.Import | ast.ImportFrom, str]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child, where
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                yield from visit(child, "typing" if where == "typing" else "function")
            elif isinstance(child, ast.If) and _type_checking(child):
                yield from visit(child, "typing")
            else:
                yield from visit(child, where)

    yield from visit(tree, "module")


Import = tuple[str, str | None, int]  # target module, imported name (None: the module itself), line


@cache
def _imports(module: str) -> dict[str, list[Import]]:
    """Imports of our modules by where they run ("module", "function", "typing")."""
    tree = ast.parse(MODULES[module].read_text(), filename=str(MODULES[module]))
    found: dict[str, list[Import]] = {"module": [], "function": [], "typing": []}
    for node, where in _walk(tree):
        for target, name in _targets(module, node):
            if _ours(target) and target in MODULES:
                found[where].append((target, name, node.lineno))
    return found


def _reaches(start: str, goal: str) -> bool:
    """Whether ``start`` depends on ``goal``: imports followed transitively, at module or function level."""
    seen, stack = {start}, [start]
    while stack:
        found = _imports(stack.pop())
        for target, _, _ in found["module"] + found["function"]:
            if target == goal:
                return True
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return False


def private_imports() -> list[str]:
    found = []
    for module in MODULES:
        for target, name, line in [row for rows in _imports(module).values() for row in rows]:
            if name and name.startswith("_") and not name.startswith("__") and target != module:
                found.append(f"{MODULES[module].relative_to(ROOT)}:{line}: {name} from {target}")
    return found


def _module_names(module: str, tree: ast.AST) -> dict[str, str]:
    """The local names that stand for our modules in ``module``: ``import a.b as c``, ``from a import b``."""
    names = {}
    for node, _ in _walk(tree):
        for alias in node.names:
            local = alias.asname or alias.name
            if isinstance(node, ast.Import):
                if alias.asname and _ours(alias.name):
                    names[local] = alias.name
                continue
            target = f"{_base(module, node)}.{alias.name}"
            if target in MODULES:
                names[local] = target
    return names


def private_attributes() -> list[str]:
    """``module._name`` reads of a private name through an imported module of ours."""
    found = []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        names = _module_names(module, tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
                continue
            target = names.get(node.value.id)
            if target and target != module and node.attr.startswith("_") and not node.attr.startswith("__"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.attr} of {target}")
    return found


def cycle_dodging_imports() -> list[str]:
    found = []
    for module in MODULES:
        for target, _, line in _imports(module)["function"]:
            if target != module and _reaches(target, module):
                found.append(f"{MODULES[module].relative_to(ROOT)}:{line}: {target} imports {module} back")
    return found


def test_the_walk_sees_the_code():
    assert len(MODULES) > 100
    assert any(_imports(module)["function"] for module in MODULES)  # function-level imports exist and are read
    assert [name for target, name, _ in _imports("training.runner")["typing"] if target == "training.jobs"]


def test_no_private_name_is_imported_across_modules():
    assert private_imports() == []


def test_no_private_name_is_read_through_an_imported_module():
    assert private_attributes() == []


def test_the_attribute_walk_sees_module_names():
    tree = ast.parse(MODULES["serving.rollouts"].read_text())
    assert _module_names("serving.rollouts", tree)["services"] == "serving.services"


def test_no_function_level_import_dodges_a_cycle():
    assert cycle_dodging_imports() == []
