"""Every admin page as a superuser sees it: renders, immutable data read-only, JSON indented, no 16-digit floats."""

from __future__ import annotations

import re
import uuid

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent
from registry.models import RunArtifact
from serving.models import PredictionLog
from tests.dashboard.conftest import build_retrained, build_served
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LONG_FLOAT = re.compile(r"\d\.\d{10,}")


@pytest.fixture
def root() -> Client:
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def _long_latency(team, served) -> None:
    PredictionLog.objects.create(
        prediction_id=uuid.uuid4(),
        request_id="long",
        project_id=team.project.pk,
        deployment_id=served.deployment.pk,
        revision_number=2,
        variant="primary",
        model_version_id=served.v2.pk,
        inputs={"mean_radius": 14.127291739894552},
        outputs={"prediction": 1, "probability": 0.9473684210526315},
        latency_ms=3.14159265358979,
    )


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    body = response.content.decode()
    assert not LONG_FLOAT.findall(body), (url, LONG_FLOAT.findall(body)[:5])
    return body


def test_every_admin_page_renders_without_long_floats(root, team):
    served = build_served(team)
    build_retrained(team, served)
    _long_latency(team, served)
    seen = 0
    for model in admin.site._registry:
        opts = model._meta
        _page(root, reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        obj = model._default_manager.first()
        if obj is not None:
            _page(root, reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
            seen += 1
    assert seen >= 20


def test_admin_formats_and_protects_what_keel_wrote(root, team):
    served = build_served(team)
    retrained = build_retrained(team, served)
    _long_latency(team, served)

    index = _page(root, "/admin/")
    assert "Retraining policies" in index and ">Feedback<" in index
    assert "policys" not in index and "Feedbacks" not in index
    model = _page(root, f"/admin/registry/registeredmodel/{served.v2.registered_model_id}/change/")
    assert "Model aliases" in model and "aliass" not in model

    assert "3.14 ms" in _page(root, "/admin/serving/predictionlog/")

    version = _page(root, f"/admin/registry/modelversion/{served.v2.pk}/change/")
    assert 'name="dataset_versions"' not in version  # the lineage is not a multi-select
    assert f"alpha/cancer@v{retrained.invalid.number}" in version
    for field in ("signature", "input_example", "card", "metrics"):
        assert f'name="{field}"' not in version, field
    signature = re.search(r'<pre class="keel-json">\{\n  &quot;inputs&quot;: \[\n', version)
    assert signature, "the signature is indented JSON"

    run = _page(root, f"/admin/monitoring/retrainingrun/{retrained.run.pk}/change/")
    assert 'name="checks"' not in run and "&quot;acceptance_criteria&quot;" in run

    immutable = {
        "prediction log": f"/admin/serving/predictionlog/{PredictionLog.objects.first().pk}/change/",
        "audit log": f"/admin/core/auditevent/{AuditEvent.objects.first().pk}/change/",
        "artifact": f"/admin/registry/runartifact/{RunArtifact.objects.first().pk}/change/",
        "feedback list": "/admin/serving/feedback/",
    }
    for what, url in immutable.items():
        body = _page(root, url)
        assert 'name="_save"' not in body and "/admin/serving/feedback/add/" not in body, what
