"""Starting a bounded in-process load test of a deployment's serving revision (for the readiness checklist);
the run itself is ``console.services.loadrun``."""

from __future__ import annotations

from django.db import transaction

from console.models import LoadTest
from console.tasks import run_load_test
from core.audit import audit_record
from core.errors import Conflict
from core.models import User
from serving.models import Deployment


def load_test_start(
    *, deployment: Deployment, user: User, max_requests: int, max_seconds: float, batch_size: int
) -> LoadTest:
    revision = deployment.current_revision
    if revision is None:
        raise Conflict(f"Deployment {deployment.name!r} has no revision to load-test.")
    with transaction.atomic():
        test = LoadTest.objects.create(
            project=deployment.project,
            deployment=deployment,
            revision_number=revision.number,
            model_versions=sorted(revision.variants.values_list("model_version_id", flat=True)),
            max_requests=max_requests,
            max_seconds=max_seconds,
            batch_size=batch_size,
            created_by=user,
        )
        audit_record(action="load_test.start", actor=user, project=deployment.project, obj=test)
        transaction.on_commit(lambda: run_load_test.delay(test.pk))
    return test
