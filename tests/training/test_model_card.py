"""The model card of a version Keel trained: filled from what Keel knows, and editable over the generated text."""

from __future__ import annotations

import pytest
from django.test import TestCase

from tests.training.conftest import FAST_SPEC

pytestmark = pytest.mark.django_db


def test_card_of_a_trained_version_is_filled_and_edits_replace_generated_sections(team, cancer_version):
    team.project.description = "Flags biopsies for a second reading."
    team.project.acceptance_criteria = [{"metric": "f1_macro", "op": ">=", "threshold": 0.9}]
    team.project.save()
    payload = {"dataset": "cancer", "spec": FAST_SPEC, "register_model": "diagnosis"}
    with TestCase.captureOnCommitCallbacks(execute=True):
        created = team.client("editor").post("/api/v1/projects/alpha/training-jobs/", payload, format="json")
    assert created.status_code == 201, created.content
    url = "/api/v1/projects/alpha/models/diagnosis/versions/1/card/"
    card = team.client("viewer").get(url).json()

    assert "logistic_regression" in card["description"] and "cancer v1" in card["description"]
    assert "f1_macro" in card["description"]
    assert card["sections"]["intended_use"].endswith("Flags biopsies for a second reading.")
    assert card["sections"]["training_data_notes"].startswith("cancer v1: 569 rows")
    assert "validation valid" in card["sections"]["training_data_notes"]
    assert card["generated_sections"] == ["intended_use", "training_data_notes"]
    assert card["acceptance"]["passed"] is True and card["acceptance"]["name"] == "acceptance_criteria"
    holdout = next(e for e in card["evaluations"] if e["description"] == "training holdout")
    assert holdout["n_rows"] > 0 and holdout["metrics"]["f1_macro"] > 0.9
    assert card["missing_sections"] == ["limitations", "ethical_considerations"]

    edited = team.client("editor").patch(url, {"intended_use": "Second reading only"}, format="json").json()
    assert edited["sections"]["intended_use"] == "Second reading only"
    assert edited["generated_sections"] == ["training_data_notes"]
    reset = team.client("editor").patch(url, {"intended_use": ""}, format="json").json()
    assert reset["generated_sections"] == ["intended_use", "training_data_notes"]
    markdown = team.client("viewer").get(url, {"format": "markdown"}).content.decode()
    assert "Flags biopsies for a second reading." in markdown and "cancer v1: 569 rows" in markdown
