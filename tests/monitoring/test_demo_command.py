from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from core.models import ApiToken, Project, User
from registry.models import DatasetVersion, ModelVersion
from registry.services.cards import model_card

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_runs_twice_and_reports_where_to_look():
    first, second = StringIO(), StringIO()
    call_command("demo", stdout=first)
    call_command("demo", stdout=second)
    assert "holdout f1_macro" in first.getvalue()
    assert "reusing finished training job" in second.getvalue()
    for out in (first.getvalue(), second.getvalue()):
        assert "Keel demo finished." in out
        assert "/api/docs/" in out and "/admin/" in out
    assert Project.objects.filter(slug="demo-breast-cancer").count() == 1
    first_version = DatasetVersion.objects.get(dataset__name="breast-cancer", number=1)
    assert first_version.status == "valid"
    # the retraining run appended labelled feedback as version 2 (drifted, so it fails the v1-derived rules)
    assert DatasetVersion.objects.filter(dataset__name="breast-cancer").count() == 2
    rollout = [line for line in first.getvalue().splitlines() if "canary" in line or "retraining run" in line]
    assert "promoted; champion is now diagnosis v2" in first.getvalue(), "\n".join(rollout)
    assert "nothing to roll out (retraining run: promoted)" in second.getvalue()
    for out in (first.getvalue(), second.getvalue()):  # the summary tells the final state, not a step's
        summary = out.split("Keel demo finished.")[1]
        assert "  Retraining: run " in summary and summary.split("  Retraining: run ")[1].split("\n")[0].endswith(
            ": promoted"
        ), summary
    # one token per purpose (printed, traffic, canary), replaced rather than accumulated on a second run
    assert ApiToken.objects.active().filter(user__username="demo").count() == 3
    assert ApiToken.objects.active().filter(user__username="demo", name="demo").count() == 1
    _after_the_demo_the_card_and_the_dashboard_explain_v2()


def _after_the_demo_the_card_and_the_dashboard_explain_v2() -> None:
    v2 = ModelVersion.objects.get(registered_model__name="diagnosis", number=2)
    card = model_card(v2)
    assert "breast-cancer v2" in card["description"] and "f1_macro" in card["description"]
    assert "breast cancer" in card["sections"]["intended_use"]
    assert "breast-cancer v2" in card["sections"]["training_data_notes"]
    assert "fails its validation rules" in card["sections"]["caveats"]
    assert card["acceptance"]["passed"] and card["evaluations"] and card["checks"]
    client = Client()
    client.force_login(User.objects.get(username="demo"))
    project = "/dashboard/demo-breast-cancer"
    for url in (f"{project}/models/diagnosis/?version=2", f"{project}/datasets/breast-cancer/?version=2"):
        body = client.get(url).content.decode()
        assert 'data-testid="invalid-why"' in body and "retrain-on-drift" in body, url
