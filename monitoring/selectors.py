"""Read-only queries of the monitoring app that light callers (signal handlers) need without the services' imports.

``monitoring.services.retraining`` imports the model I/O stack (skops, scikit-learn): seconds in a fresh process.
The dataset-version signal runs after every upload's commit, so it asks here first whether anything waits.
"""

from __future__ import annotations

from django.db.models import QuerySet

from monitoring.models import RetrainingPolicy
from registry.models import DatasetVersion


def policies_waiting_for(version_id: int) -> QuerySet[RetrainingPolicy]:
    """Enabled new-dataset policies of the version's dataset (same project, same name)."""
    version = DatasetVersion.objects.filter(pk=version_id).select_related("dataset").first()
    if version is None:
        return RetrainingPolicy.objects.none()
    return RetrainingPolicy.objects.filter(
        project_id=version.dataset.project_id,
        dataset=version.dataset.name,
        enabled=True,
        trigger=RetrainingPolicy.Trigger.NEW_DATASET,
    )
