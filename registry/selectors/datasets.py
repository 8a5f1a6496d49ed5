from __future__ import annotations

import tempfile
from typing import Any

import pandas as pd
from django.db.models import Count, Max, QuerySet

from core.errors import Conflict
from core.models import Project
from core.selectors import first_or_not_found
from core.storage import blob_iter, blob_read_verified
from registry import tabular
from registry.models import Dataset, DatasetVersion, ProfileStatus, ValidationReport, ValidationRule


def dataset_list(*, project: Project) -> QuerySet[Dataset]:
    return Dataset.objects.filter(project=project).order_by("name")


def dataset_list_with_counts(*, project: Project) -> QuerySet[Dataset]:
    """The project's datasets with ``latest_number`` and ``n_versions``, as the API shows them."""
    return dataset_list(project=project).annotate(latest_number=Max("versions__number"), n_versions=Count("versions"))


def dataset_get_with_counts(*, project: Project, name: str) -> Dataset:
    """``dataset_get`` with ``latest_number`` and ``n_versions``."""
    return first_or_not_found(
        dataset_list_with_counts(project=project).filter(name=name), f"Dataset {name!r} not found."
    )


def dataset_get(*, project: Project, name: str) -> Dataset:
    return first_or_not_found(
        Dataset.objects.filter(project=project, name=name).select_related("project"), f"Dataset {name!r} not found."
    )


def dataset_latest_version(*, dataset: Dataset) -> DatasetVersion | None:
    return dataset.versions.order_by("-number").first()


def dataset_version_list(*, dataset: Dataset) -> QuerySet[DatasetVersion]:
    return dataset.versions.select_related("created_by", "parent").order_by("-number")


def dataset_version_get(*, dataset: Dataset, number: int) -> DatasetVersion:
    return first_or_not_found(
        dataset.versions.select_related("dataset__project", "parent").filter(number=number),
        f"Dataset {dataset.name!r} has no version {number}.",
    )


def dataset_version_frame(*, version: DatasetVersion) -> pd.DataFrame:
    """The version's rows, read from its hash-checked blob."""
    with tempfile.NamedTemporaryFile(suffix=f".{version.format}") as handle:
        for chunk in blob_iter(version.sha256):
            handle.write(chunk)
        handle.flush()
        return tabular.read_table(handle.name, version.format)


def dataset_version_ready_profile(*, version: DatasetVersion) -> dict[str, Any]:
    """The profile summary; a 409 naming the status while the background task has not stored it."""
    if version.profile_status != ProfileStatus.READY:
        if version.profile_status == ProfileStatus.FAILED:
            message = f"Profiling {version} failed; upload the file again, or ask an operator to check the workers."
        else:
            message = f"The profile of {version} is still being computed (profile_status: pending); retry shortly."
        raise Conflict(
            message,
            errors=[{"field": "profile_status", "message": version.profile_status, "code": "profile_not_ready"}],
        )
    return version.profile


def dataset_version_full_profile(*, version: DatasetVersion) -> dict[str, Any]:
    """The stored profile including the reference samples that drift tests use."""
    import json

    dataset_version_ready_profile(version=version)
    return json.loads(blob_read_verified(version.profile_sha256))


def dataset_version_diff(*, before: DatasetVersion, after: DatasetVersion) -> dict[str, Any]:
    return {
        "from_version": before.number,
        "to_version": after.number,
        "same_content": before.sha256 == after.sha256,
        "row_count": {
            "before": before.row_count,
            "after": after.row_count,
            "change": after.row_count - before.row_count,
        },
        "schema_changes": tabular.schema_diff(before.schema, after.schema),
        "column_changes": tabular.profile_diff(
            dataset_version_ready_profile(version=before), dataset_version_ready_profile(version=after)
        ),
    }


def validation_rule_list(*, dataset: Dataset) -> QuerySet[ValidationRule]:
    return dataset.rules.order_by("id")


def validation_rule_get(*, dataset: Dataset, rule_id: int) -> ValidationRule:
    return first_or_not_found(
        dataset.rules.select_related("dataset__project").filter(pk=rule_id),
        f"Rule {rule_id} not found on dataset {dataset.name!r}.",
    )


def validation_report_list(*, version: DatasetVersion) -> QuerySet[ValidationReport]:
    return version.validation_reports.order_by("-id")
