"""Registry background work: a dataset version's profile, computed after its upload commits."""

from __future__ import annotations

from celery import shared_task

from registry.services.datasets import dataset_version_profile as profile_service


@shared_task(name="registry.dataset_version_profile", acks_late=True, soft_time_limit=1800, time_limit=1900)
def dataset_version_profile(version_id: int) -> str:
    return profile_service(version_id=version_id)
