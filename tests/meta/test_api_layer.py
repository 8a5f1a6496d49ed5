"""The API layer reads through selectors: no module that holds views runs an ORM query itself.

A view module is one named ``apis.py`` / ``*apis.py`` / ``*views*.py``, one inside an ``apis`` package, or one that
defines a view class (a base class named ``*View``, ``*APIView`` or ``*ViewSet``). In it, read with ``ast``, no
``Model.objects``, no queryset method (``filter``, ``select_related``, ``order_by``, ``first``, ``get(name=...)``
...) and no ``get_object_or_404``. The one exception is the class attribute ``queryset = Model.objects.none()``,
which only tells the schema generator the view's model.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "registry", "training", "serving", "monitoring", "interop", "declarative", "console", "config")
QUERYSET_METHODS = {
    "filter",
    "exclude",
    "select_related",
    "prefetch_related",
    "order_by",
    "values_list",
    "annotate",
    "aggregate",
    "in_bulk",
    "get_or_create",
    "update_or_create",
    "select_for_update",
    "bulk_create",
    "bulk_update",
    "only",
    "defer",
    "distinct",
    "first",
    "last",
}


def _base_name(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def is_view_module(path: Path, tree: ast.Module) -> bool:
    if path.name.endswith("apis.py") or "views" in path.name or "apis" in path.parts[:-1]:
        return True
    return any(
        isinstance(node, ast.ClassDef) and any(_base_name(b).endswith(("View", "ViewSet")) for b in node.bases)
        for node in tree.body
    )


def _schema_querysets(tree: ast.Module) -> set[int]:
    """The nodes of ``queryset = Model.objects.none()`` class attributes."""
    found: set[int] = set()
    for cls in (node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)):
        for statement in cls.body:
            target = statement.target if isinstance(statement, ast.AnnAssign) else None
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target = statement.targets[0]
            value = getattr(statement, "value", None)
            if (
                isinstance(target, ast.Name)
                and target.id == "queryset"
                and isinstance(value, ast.Call)
                and _base_name(value.func) == "none"
            ):
                found.update(id(sub) for sub in ast.walk(value))
    return found


def _query(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute) and node.attr == "objects":
        return ".objects"
    if not isinstance(node, ast.Call):
        return None
    name = _base_name(node.func)
    if isinstance(node.func, ast.Attribute) and (
        name in QUERYSET_METHODS or (name == "get" and any(k.arg for k in node.keywords))
    ):
        return f".{name}()"
    if isinstance(node.func, ast.Name) and name in ("get_object_or_404", "get_list_or_404"):
        return f"{name}()"
    return None


def queries_in_view_modules(root: Path = ROOT) -> list[str]:
    found = []
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            if not is_view_module(path, tree):
                continue
            schema = _schema_querysets(tree)
            for node in ast.walk(tree):
                what = _query(node) if id(node) not in schema else None
                if what:
                    found.append(f"{path.relative_to(root)}:{getattr(node, 'lineno', 0)}: {what}")
    return sorted(set(found))


def test_the_walk_sees_the_view_modules():
    names = {str(path.relative_to(ROOT)) for app in APPS for path in (ROOT / app).rglob("*.py")}
    views = {
        name
        for name in names
        if "migrations" not in name and is_view_module(ROOT / name, ast.parse((ROOT / name).read_text()))
    }
    assert {
        "monitoring/apis.py",
        "registry/apis/models.py",
        "interop/mlflow/tracking.py",
        "interop/mlflow/links.py",
    } <= views
    assert "monitoring/selectors.py" not in views


def test_a_query_in_a_view_module_is_seen(tmp_path):
    app = tmp_path / "core"
    app.mkdir()
    (app / "apis.py").write_text(
        "class A(ProjectAPIView):\n"
        "    queryset = Thing.objects.none()\n"
        "    def get(self):\n"
        "        return Thing.objects.filter(x=1).first(), self.project.items.get(name='a'), {}.get('b')\n"
    )
    assert queries_in_view_modules(tmp_path) == [
        "core/apis.py:4: .filter()",
        "core/apis.py:4: .first()",
        "core/apis.py:4: .get()",
        "core/apis.py:4: .objects",
    ]


def test_view_modules_run_no_orm_query():
    assert queries_in_view_modules() == []
