"""Erasure: every logged prediction and feedback row of one routing key or subject, across partitions and exports.

One transaction: on Postgres it sets ``keel.erasure`` (the only way past the log's append-only trigger), deletes
the matching log rows of the project (every partition), their feedback, rewrites each of the project's Parquet
exports holding such rows (and deletes the feedback of the rows found there), and records a receipt in the audit
log. The receipt names the erased value only by its sha256, so the audit log does not keep what was erased.
Per-minute rollups hold counts only and are kept.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import ValidationFailed
from core.models import Project, User
from serving.models import Feedback, PredictionExport, PredictionLog
from serving.retention import export_rewrite_without

CHUNK = 5000


def _delete_feedback(prediction_ids: list[Any]) -> int:
    deleted = 0
    for i in range(0, len(prediction_ids), CHUNK):
        deleted += Feedback.objects.filter(prediction_id__in=prediction_ids[i : i + CHUNK]).delete()[0]
    return deleted


def _target(routing_key: str | None, subject_id: str | None) -> tuple[str, str]:
    if bool(routing_key) == bool(subject_id):
        raise ValidationFailed(
            "Give exactly one of routing_key or subject_id.",
            errors=[{"field": "routing_key", "message": "exactly one of routing_key or subject_id", "code": "invalid"}],
        )
    return ("routing_key", str(routing_key)) if routing_key else ("subject_id", str(subject_id))


@transaction.atomic
def erasure_execute(
    *, project: Project, user: User | None, routing_key: str | None = None, subject_id: str | None = None
) -> dict[str, Any]:
    """Erase a routing key's or subject's predictions and feedback in ``project``; the receipt."""
    column, value = _target(routing_key, subject_id)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL keel.erasure = 'on'")
    logs = PredictionLog.objects.filter(project_id=project.pk, **{column: value})
    prediction_ids = list(logs.values_list("prediction_id", flat=True))
    feedback = _delete_feedback(prediction_ids)
    predictions = logs.delete()[0]
    rewritten: list[dict[str, Any]] = []
    for export in PredictionExport.objects.select_for_update().filter(project=project).order_by("pk"):
        removed = export_rewrite_without(export, column=column, value=value)
        if removed:
            feedback += _delete_feedback(removed)
            rewritten.append({"export": export.pk, "rows_removed": len(removed), "sha256": export.sha256})
    receipt = {
        "target": column,
        "target_sha256": hashlib.sha256(value.encode()).hexdigest(),
        "predictions_deleted": predictions,
        "feedback_deleted": feedback,
        "export_rows_removed": sum(r["rows_removed"] for r in rewritten),
        "exports_rewritten": rewritten,
        "erased_by": user.username if user else None,
        "erased_at": timezone.now().isoformat(),
    }
    event = audit_record(action="prediction_log.erase", actor=user, project=project, data=receipt)
    return {"receipt": event.pk, **receipt}
