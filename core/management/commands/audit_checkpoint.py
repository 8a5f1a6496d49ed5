"""`manage.py audit_checkpoint [--acknowledge REASON]`: sign every audit chain's head now (the beat task's work)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.audit_checkpoints import audit_checkpoints_write, chain_label


class Command(BaseCommand):
    help = (
        "Write a signed checkpoint of each audit chain that grew since its last one, to the artifact storage. "
        "A chain that no longer continues its last checkpoint is refused (exit 1) unless --acknowledge is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--acknowledge",
            metavar="REASON",
            default="",
            help="sign chains as they are now even where rows were lost or changed (e.g. after `restore` of an "
            "older backup); the reason is kept in the checkpoint",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_checkpoints_write(acknowledge=options["acknowledge"].strip())
        for checkpoint in result.written:
            self.stdout.write(
                f"{chain_label(checkpoint.chain)}: checkpoint {checkpoint.number} at sequence {checkpoint.sequence} "
                f"({checkpoint.key})"
            )
        self.stdout.write(f"{len(result.written)} checkpoints written.")
        if result.refused:
            raise CommandError("\n".join(result.refused))
