"""Print or write the keel.yaml JSON Schema (scripts/openapi.sh writes cli/keel_cli/keel.schema.json)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from declarative.schema import schema_json


class Command(BaseCommand):
    help = "The keel.yaml JSON Schema, derived from the document serializers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, help="Write the schema here instead of stdout.")

    def handle(self, *args: Any, file: Path | None = None, **options: Any) -> None:
        if file is None:
            self.stdout.write(schema_json(), ending="")
        else:
            file.write_text(schema_json())
            self.stdout.write(f"wrote {file}")
