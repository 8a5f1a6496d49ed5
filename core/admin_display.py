"""How the admin shows stored values: JSON indented and read-only, floats rounded.

Django's admin prints a JSON field as one compact line (or edits it in a bare textarea) and a float with every
digit of its repr. ``ReadableAdmin`` shows each JSON field of its model read-only as indented JSON, and each float
field rounded (``float_places``, and ``float_units`` for a unit such as ``ms``), on the change form and in the
change list; floats inside JSON show 6 significant digits. JSON here is written by Keel's services, which
validate it; the admin does not edit it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.html import format_html

JSON_SUFFIX = "__json"
FLOAT_SUFFIX = "__rounded"


def _short_floats(value: Any) -> Any:
    if isinstance(value, float):
        return float(f"{value:.6g}")
    if isinstance(value, dict):
        return {k: _short_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_short_floats(v) for v in value]
    return value


def pretty_json(value: Any) -> str:
    """Indented JSON with floats to 6 significant digits (the API returns them exactly)."""
    text = json.dumps(_short_floats(value), indent=2, ensure_ascii=False, default=str)
    return format_html('<pre class="keel-json">{}</pre>', text)


def rounded(value: float | None, places: int = 4, unit: str = "") -> str:
    if value is None:
        return "-"
    return f"{value:.{places}f}{f' {unit}' if unit else ''}"


class ReadableAdmin(admin.ModelAdmin):
    float_places = 4
    float_units: dict[str, str] = {}

    def _kinds(self) -> dict[str, str]:
        kinds = {}
        for field in self.model._meta.concrete_fields:
            if isinstance(field, models.JSONField):
                kinds[field.name] = JSON_SUFFIX
            elif isinstance(field, models.FloatField):
                kinds[field.name] = FLOAT_SUFFIX
        return kinds

    def _shown(self, names: Sequence[Any]) -> list[Any]:
        kinds = self._kinds()
        return [f"{n}{kinds[n]}" if isinstance(n, str) and n in kinds else n for n in names]

    def __getattr__(self, name: str) -> Callable[[Any], Any]:
        for suffix in (JSON_SUFFIX, FLOAT_SUFFIX):
            if name.endswith(suffix) and name[: -len(suffix)] in self._kinds():
                return self._display(name[: -len(suffix)], suffix)
        raise AttributeError(name)

    def _display(self, field_name: str, suffix: str) -> Callable[[Any], Any]:
        field = self.model._meta.get_field(field_name)
        unit = self.float_units.get(field_name, "")

        def show(obj: Any) -> Any:
            value = getattr(obj, field_name)
            return pretty_json(value) if suffix == JSON_SUFFIX else rounded(value, self.float_places, unit)

        show.short_description = field.verbose_name  # type: ignore[attr-defined]
        show.admin_order_field = field_name  # type: ignore[attr-defined]
        return show

    def get_list_display(self, request: HttpRequest) -> Any:
        kinds = self._kinds()
        shown = super().get_list_display(request)
        return [f"{n}{FLOAT_SUFFIX}" if isinstance(n, str) and kinds.get(n) == FLOAT_SUFFIX else n for n in shown]

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        json_fields = [n for n, kind in self._kinds().items() if kind == JSON_SUFFIX]
        return [*(super().get_exclude(request, obj) or ()), *json_fields]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """JSON fields always show formatted; a float field only where it is not edited."""
        kinds = self._kinds()
        editable = self.has_change_permission(request, obj)
        readonly = set(super().get_readonly_fields(request, obj))

        def shown(name: Any) -> Any:
            if not isinstance(name, str) or name not in kinds:
                return name
            if kinds[name] == FLOAT_SUFFIX and editable and name not in readonly:
                return name
            return f"{name}{kinds[name]}"

        return [shown(n) for n in super().get_fields(request, obj)]

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Not when the model has a JSON field that needs a value: the admin does not edit JSON (the API does)."""
        required = [
            f
            for f in self.model._meta.concrete_fields
            if isinstance(f, models.JSONField) and not f.null and not f.has_default()
        ]
        return not required and super().has_add_permission(request)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        shown = self._shown(super().get_readonly_fields(request, obj))
        json_fields = [f"{n}{JSON_SUFFIX}" for n, kind in self._kinds().items() if kind == JSON_SUFFIX]
        return [*shown, *(n for n in json_fields if n not in shown)]


class ReadOnlyAdmin(ReadableAdmin):
    """Rows that only Keel's services write (logs, ledgers, audit trails): browsed here, never added or changed,
    and deleted only where ``allow_delete`` says so."""

    allow_delete = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.allow_delete and super().has_delete_permission(request, obj)
