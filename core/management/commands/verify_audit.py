"""`manage.py verify_audit [--project slug]`: check the audit log's hash chains against their signed checkpoints."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.audit_checkpoints import audit_log_verify, chain_label


class Command(BaseCommand):
    help = (
        "Verify the control-plane audit log: every hash-chain link, and each project's rows against its signed "
        "checkpoints in the artifact storage (truncation, deleted newest rows, rewritten rows, bad checkpoints). "
        "Exits 1 on any finding."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", metavar="SLUG", help="only this project's chain (also after its deletion)")

    def handle(self, *args: Any, **options: Any) -> None:
        reports = audit_log_verify(chain=options["project"])
        findings = [finding for report in reports for finding in report.findings]
        for report in reports:
            checkpoint = report.checkpoint
            against = (
                f"checkpoint {checkpoint.number} of {checkpoint.created_at} at sequence {checkpoint.sequence}"
                if checkpoint is not None
                else "no checkpoint yet"
            )
            self.stdout.write(f"{chain_label(report.chain)}: {report.events} events; {against}")
        if findings:
            raise CommandError("\n".join(findings))
        events = sum(report.events for report in reports)
        signed = sum(1 for report in reports if report.checkpoint is not None)
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {events} events verified; {signed} chains checked against signed checkpoints, "
                f"{len(reports) - signed} not checkpointed yet."
            )
        )
