"""Backups written by ``manage.py backup`` (imported at the bottom of core/models.py)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

__all__ = ["Backup"]


class Backup(models.Model):
    """One backup directory: the database dump and every artifact blob, described by its manifest."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    location = models.CharField(max_length=1000, help_text="Where the backup was written.")
    size_bytes = models.BigIntegerField(default=0)
    blob_count = models.PositiveIntegerField(default=0)
    row_count = models.PositiveBigIntegerField(default=0)
    manifest_sha256 = models.CharField(max_length=64)
    keel_version = models.CharField(max_length=32, blank=True)
    verified = models.BooleanField(default=False, help_text="Every file was re-read and matched the manifest.")
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"backup {self.created_at:%Y-%m-%d %H:%M} ({'verified' if self.verified else 'unverified'})"
