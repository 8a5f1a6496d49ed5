"""`manage.py rollups_backfill [--dry-run]`: give sketches to the minutes rolled up before rollups kept them."""

from __future__ import annotations

from typing import Any

from core.management.base import DryRunCommand
from monitoring.services.rollups import rollups_backfill_sketches


class Command(DryRunCommand):
    help = (
        "Recompute, from the raw prediction log, every per-minute rollup stored before rollups kept drift sketches, "
        "where the log still holds every row it counted, and merge their hours again. Minutes whose rows are gone "
        "(retention) or changed (erasure) are kept; drift reports over them read the raw rows while there are any. "
        "Idempotent."
    )

    dry_run_help = "count what would be recomputed; write nothing"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = rollups_backfill_sketches(dry_run=options["dry_run"])
        verb = "would recompute" if options["dry_run"] else "recomputed"
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['minutes']} minutes without sketches: {verb} {counts['recomputed']} from the log, kept "
                f"{counts['kept']} (their rows are gone or changed), {counts['hours']} hours merged."
            )
        )
