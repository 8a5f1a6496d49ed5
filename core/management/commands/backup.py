"""``manage.py backup --out DIR``: the database and every artifact blob, with a manifest of hashes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import backup_create
from core.errors import DomainError


class Command(BaseCommand):
    help = "Back up the database and every artifact blob into a new or empty directory (verified after writing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="Directory to write (new or empty).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backup = backup_create(out=options["out"])
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write(
            f"backup {backup.pk}: {backup.row_count} rows, {backup.blob_count} blobs, {backup.size_bytes} bytes, "
            f"manifest sha256 {backup.manifest_sha256}, verified={backup.verified} -> {backup.location}"
        )
