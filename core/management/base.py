"""What the project's management commands share."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser


class DryRunCommand(BaseCommand):
    """A command with a ``--dry-run`` flag (``options["dry_run"]``); ``dry_run_help`` says what it does then."""

    dry_run_help: str

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help=self.dry_run_help)
