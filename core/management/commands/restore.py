"""``manage.py restore DIR``: restore a backup into an empty database and artifact storage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import backup_restore
from core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Restore a backup written by `backup`: every file is checked against the manifest first; the target "
        "database (migrated) and artifact storage must be empty unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--force", action="store_true", help="Replace the data of a non-empty target.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_restore(directory=options["directory"], force=options["force"])
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write(
            f"restored {result.rows} rows; blobs written {result.blobs_written}, already present {result.blobs_present}"
        )
        self.stdout.write(
            "Run `verify_audit`: where the restored audit log is older than its signed checkpoints it names the "
            "events lost; once accepted, `audit_checkpoint --acknowledge 'restored from <backup>'` signs it as it is."
        )
