"""Reads of the console's records."""

from __future__ import annotations

from django.db.models import QuerySet

from console.models import LoadTest
from serving.models import Deployment


def load_test_list(*, deployment: Deployment) -> QuerySet[LoadTest]:
    """The deployment's load tests, newest first."""
    return LoadTest.objects.filter(deployment=deployment)
