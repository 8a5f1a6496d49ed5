"""`manage.py rollups_backfill [--dry-run]`: give sketches to the minutes rolled up before rollups kept them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from monitoring.services.rollups import rollups_backfill_sketches


class Command(BaseCommand):
    help = (
        "Recompute, from the raw prediction log, every per-minute rollup stored before rollups kept drift sketches, "
        "where the log still holds every row it counted, and merge their hours again. Minutes whose rows are gone "
        "(retention) or changed (erasure) are kept; drift reports over them read the raw rows while there are any. "
        "Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count what would be recomputed; write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = rollups_backfill_sketches(dry_run=options["dry_run"])
        verb = "would recompute" if options["dry_run"] else "recomputed"
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['minutes']} minutes without sketches: {verb} {counts['recomputed']} from the log, kept "
                f"{counts['kept']} (their rows are gone or changed), {counts['hours']} hours merged."
            )
        )
