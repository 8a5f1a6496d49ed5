"""`manage.py reprofile [--dry-run]`: profile again every stored profile that predates sketches."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import CommandError

from core.management.base import DryRunCommand
from registry.services.reprofile import stored_profiles_reprofile


class Command(DryRunCommand):
    help = (
        "Re-profile every stored profile without KLL sketches (dataset versions, training runs' "
        "data/training_profile.json, model versions' reference profiles) from the data it was computed on, as the "
        "registry migration 0008 does. Profiles whose data is gone are kept and listed; drift reads their sample, "
        "with a note. Idempotent. Exits 1 when a profile failed."
    )

    dry_run_help = "list what would be re-profiled; write nothing"

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        counts: Counter[str] = Counter()
        for outcome in stored_profiles_reprofile(dry_run=dry_run):
            counts[outcome.action] += 1
            if outcome.action != "current" or options["verbosity"] > 1:
                self.stdout.write(outcome.line())
        done = f"would re-profile {counts['would_reprofile']}" if dry_run else f"re-profiled {counts['reprofiled']}"
        summary = (
            f"{'Dry run: ' if dry_run else ''}{done}, kept {counts['kept']} (data gone: drift reads their sample), "
            f"failed {counts['failed']}, already current {counts['current']}."
        )
        if counts["failed"]:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
