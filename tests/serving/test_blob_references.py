from __future__ import annotations

from django.utils import timezone

from core.storage import blob_exists, blob_put_bytes
from registry.services.blobs import delete_unreferenced_blobs
from serving.models import PredictionExport


def test_registry_blob_cleanup_keeps_a_blob_a_prediction_export_uses(team):
    kept, orphan = blob_put_bytes(b"parquet bytes of an export"), blob_put_bytes(b"nobody's bytes")
    now = timezone.now()
    PredictionExport.objects.create(
        project=team.project,
        partition="p20261101",
        range_start=now,
        range_end=now,
        sha256=kept.sha256,
        size=kept.size,
        row_count=3,
    )
    delete_unreferenced_blobs([kept.sha256, orphan.sha256])
    assert blob_exists(kept.sha256)
    assert not blob_exists(orphan.sha256)
