"""How the registry tells higher layers that something changed, or asks them what references a version.

Signals are sent on commit, except ``model_renamed`` (inside the renaming transaction, see below) and the two
questions asked synchronously (``version_references``, ``blob_references``). ``version_references`` is answered
by serving (live deployments), connected in its ``apps.py``; each receiver returns a list of human-readable
blockers such as ``"deployment 'fraud-api'"``.
"""

from __future__ import annotations

from django.dispatch import Signal

# sender=ModelVersion class; kwargs: version_id, health
version_health_changed = Signal()
# sender=DatasetVersion class; kwargs: version_id, status ("valid" | "invalid"); sent once per new version
dataset_version_created = Signal()
# sender=ModelVersion class; kwargs: version -> each receiver returns list[str] of blockers
version_references = Signal()


def references_to(version: object) -> list[str]:
    blockers: list[str] = []
    for _receiver, response in version_references.send(sender=type(version), version=version):
        blockers.extend(response or [])
    return blockers


# sender=None; kwargs: sha -> each receiver returns True when its app still stores a reference to that blob
blob_references = Signal()


def blob_used_elsewhere(sha: str) -> bool:
    return any(response for _receiver, response in blob_references.send(sender=None, sha=sha))


# sender=RegisteredModel class; kwargs: project_id, old_name, new_name. Sent INSIDE the renaming transaction (not on
# commit, unlike the others) so that references by name elsewhere (training jobs that register into a model,
# retraining policies) move in the same transaction, or not at all.
model_renamed = Signal()
