"""`manage.py verify_audit [--project slug]`: check the audit log's hash chains and report the first broken link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core import selectors


class Command(BaseCommand):
    help = "Verify the control-plane audit log's hash chains (all projects, or one); exit 1 at the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", metavar="SLUG", help="only this project's chain (also after its deletion)")

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = selectors.audit_chain_verify(chain=options["project"])
        if broken is not None:
            chain = f"project '{broken.chain}'" if broken.chain else "events without a project"
            raise CommandError(f"Audit chain broken at event {broken.event_id} ({chain}): {broken.reason}.")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} events verified."))
