from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.views import defaults

from registry.models import ApprovalRequest
from serving.models import Deployment
from tests.dashboard.conftest import build_retrained

pytestmark = pytest.mark.django_db

BASE = "/dashboard/alpha"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _dashboard_routes() -> list[str]:
    out = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and prefix.startswith("dashboard/"):
                out.append(prefix + str(p.pattern))

    walk(get_resolver().url_patterns)
    return out


def test_every_dashboard_route_redirects_anonymous_users_to_login(served):
    routes = _dashboard_routes()
    assert len(routes) == 8
    client = Client()
    for route in routes:
        url = "/" + re.sub(r"<[^>]+>", "x", route).replace("x/deployments/x", "alpha/deployments/api")
        url = url.replace("retraining/x", "retraining/1")
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, (method, url, response.status_code)
            assert response["Location"].startswith("/accounts/login/?next="), url


def test_dashboard_views_are_declared_and_login_wrapped():
    for route in _dashboard_routes():
        match = get_resolver().resolve("/" + re.sub(r"<[^>]+>", "x", route).replace("retraining/x", "retraining/1"))
        assert getattr(match.func.view_class, "dashboard_access", False)
        assert match.func.__wrapped__ is not None  # login_required keeps the wrapped view


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/",
        f"{BASE}/deployments/api/",
        f"{BASE}/deployments/api/data.json",
        f"{BASE}/models/cancer/",
        f"{BASE}/pipeline/",
        f"{BASE}/models/cancer/?version=1",
    ],
)
def test_pages_answer_members(team, served, path):
    response = login(team.users["viewer"]).get(path)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [f"{BASE}/deployments/api/", f"{BASE}/deployments/api/data.json", f"{BASE}/models/cancer/", f"{BASE}/pipeline/"],
)
def test_pages_are_404_for_non_members(team, served, path):
    assert login(team.users["outsider"]).get(path).status_code == 404


def test_predictor_service_account_cannot_read_the_dashboard(team, served):
    assert login(team.users["predictor"]).get(f"{BASE}/deployments/api/").status_code == 404


def test_unknown_objects_are_404(team, served):
    client = login(team.users["viewer"])
    assert client.get(f"{BASE}/deployments/nope/").status_code == 404
    assert client.get(f"{BASE}/models/nope/").status_code == 404
    assert client.get(f"{BASE}/models/cancer/?version=99").status_code == 404


def test_overview_lists_only_member_projects(team, other_team, served):
    body = login(team.users["viewer"]).get("/dashboard/").content.decode()
    assert team.project.name in body and "/dashboard/alpha/deployments/api/" in body
    assert other_team.project.name not in body


def test_overview_shows_health_at_a_glance(team, served):
    body = login(team.users["viewer"]).get("/dashboard/").content.decode()
    assert "⚠ drift" in body  # the latest report drifted
    assert "10.0 %" in body  # one error in ten requests
    assert "● 1 firing" in body  # one firing alert


def test_viewer_does_not_see_rollback_and_cannot_post_it(team, served):
    client = login(team.users["viewer"])
    page = client.get(f"{BASE}/deployments/api/").content.decode()
    assert 'data-testid="rollback"' not in page
    response = client.post(f"{BASE}/deployments/api/rollback/")
    assert response.status_code == 403
    assert Deployment.objects.get(pk=served.deployment.pk).current_revision.number == 2


def test_editor_cannot_roll_back(team, served):
    assert login(team.users["editor"]).post(f"{BASE}/deployments/api/rollback/").status_code == 403


def test_maintainer_sees_rollback_and_posting_it_creates_a_new_revision(team, served):
    client = login(team.users["maintainer"])
    assert 'data-testid="rollback"' in client.get(f"{BASE}/deployments/api/").content.decode()
    response = client.post(f"{BASE}/deployments/api/rollback/", follow=True)
    assert response.status_code == 200
    deployment = Deployment.objects.get(pk=served.deployment.pk)
    assert deployment.current_revision.number == 3
    assert deployment.current_revision.variants.get().model_version_id == served.v1.pk
    assert "now serving revision r3" in response.content.decode()


def test_rollback_post_requires_csrf(team, served):
    client = Client(enforce_csrf_checks=True)
    client.force_login(team.users["maintainer"])
    assert client.post(f"{BASE}/deployments/api/rollback/").status_code == 403
    assert Deployment.objects.get(pk=served.deployment.pk).current_revision.number == 2


def test_rollback_without_a_previous_revision_is_a_message_not_an_error(team, served):
    from serving.services import deployment_create

    deployment_create(project=team.project, user=team.users["maintainer"], name="solo", version=served.v1)
    response = login(team.users["maintainer"]).post(f"{BASE}/deployments/solo/rollback/", follow=True)
    assert response.status_code == 200
    assert "no previous revision" in response.content.decode()


def test_rollback_is_get_proof(team, served):
    assert login(team.users["maintainer"]).get(f"{BASE}/deployments/api/rollback/").status_code == 405


def test_data_json_shape(team, served):
    data = login(team.users["viewer"]).get(f"{BASE}/deployments/api/data.json").json()
    assert set(data) >= {
        "deployment",
        "revision",
        "strategy",
        "variants",
        "rollout",
        "health",
        "series",
        "drift",
        "firing_alerts",
    }
    assert data["revision"] == 2
    assert data["health"]["requests"] == 10 and data["health"]["errors"] == 1
    assert data["health"]["error_rate"] == pytest.approx(0.1)
    assert set(data["health"]["variants"]["primary"]) >= {"requests", "error_rate", "p50_ms", "p95_ms", "quality"}
    assert len(data["series"]["x"]) == 60 and sum(data["series"]["variants"]["primary"]) == 10
    assert sum(data["series"]["errors"]) == 1
    assert data["drift"]["verdict"] == "drift"
    assert data["firing_alerts"] == 1
    assert data["variants"][0]["version"] == 2


def test_deployment_page_has_heatmap_history_and_alerts(team, served):
    body = login(team.users["viewer"]).get(f"{BASE}/deployments/api/").content.decode()
    assert "mean_radius" in body and "▲ 0.001" in body and "✓ 0.500" in body
    assert "r1" in body and "r2" in body
    assert "drift share 0.6 &gt; 0.5" in body


def test_model_page_shows_versions_aliases_ledger_card_and_plots(team, served):
    checks = [{"name": "acceptance_criteria", "passed": True, "detail": "all criteria met", "evidence": {}}]
    ApprovalRequest.objects.create(version=served.v2, checks=checks, requested_by=team.users["editor"])
    body = login(team.users["viewer"]).get(f"{BASE}/models/cancer/").content.decode()
    assert "✓ <strong>acceptance_criteria</strong>" in body
    assert "@champion" in body
    assert "v1 → v2" in body  # the alias ledger
    assert "Intended use" in body and "Ethical considerations" in body
    assert '"roc"' in body and '"fpr"' in body and '"importance"' in body and '"matrix"' in body
    assert "/dashboard/alpha/deployments/api/" in body  # lineage reaches the deployment


def test_pipeline_graph_links_the_lifecycle(team, served):
    body = login(team.users["viewer"]).get(f"{BASE}/pipeline/").content.decode()
    for kind in ("run", "version", "deployment", "drift"):
        assert f'data-testid="node-{kind}"' in body, kind
    assert "<path" in body


def test_data_json_query_budget_and_shared_traffic_cache(team, served, django_assert_max_num_queries):
    viewer, maintainer = login(team.users["viewer"]), login(team.users["maintainer"])
    url = f"{BASE}/deployments/api/data.json"
    with django_assert_max_num_queries(16):
        first = viewer.get(url).json()
    with django_assert_max_num_queries(10):  # the prediction-log scans are cached for a second across viewers
        second = maintainer.get(url).json()
    assert first["health"] == second["health"]


def test_every_page_has_a_sign_out_form_posting_to_logout(team, served):
    client = login(team.users["viewer"])
    for path in ("/dashboard/", f"{BASE}/deployments/api/", f"{BASE}/models/cancer/", f"{BASE}/pipeline/"):
        body = client.get(path).content.decode()
        assert re.search(r'<form class="logout" method="post" action="/accounts/logout/">', body), path
        assert 'name="csrfmiddlewaretoken"' in body
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/dashboard/").status_code == 302  # signed out


def test_not_found_is_a_styled_page_and_server_error_renders_without_a_request(team, rf):
    response = login(team.users["viewer"]).get("/dashboard/nope/deployments/x/")
    body = response.content.decode()
    assert response.status_code == 404 and 'data-testid="error-404"' in body
    assert "dashboard/dashboard.css" in body and "Back to the dashboard" in body
    error = defaults.server_error(rf.get("/dashboard/"))
    assert error.status_code == 500 and b'data-testid="error-500"' in error.content
    assert b"dashboard/dashboard.css" in error.content


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_invalid_training_data_is_explained_on_the_dataset_run_and_version_pages(team, served):
    retrained = build_retrained(team, served)
    client = login(team.users["viewer"])
    pages = {
        "dataset": f"{BASE}/datasets/cancer/?version=2",
        "run": f"{BASE}/retraining/{retrained.run.pk}/",
        "version": f"{BASE}/models/cancer/?version=2",
    }
    for page, path in pages.items():
        body = client.get(path).content.decode()
        assert 'data-testid="invalid-why"' in body, page
        assert "row_count" in body, page  # the failing rule
        assert "retraining policy <strong>retrain-on-drift</strong>" in body, page
        assert "v1 plus labelled feedback" in body, page
    valid = client.get(f"{BASE}/datasets/cancer/?version=1").content.decode()
    assert 'data-testid="invalid-why"' not in valid
    assert 'data-testid="invalid-why"' not in client.get(f"{BASE}/models/cancer/?version=1").content.decode()
    assert login(team.users["outsider"]).get(pages["run"]).status_code == 404
    assert client.get(f"{BASE}/retraining/999999/").status_code == 404
    assert client.get(f"{BASE}/datasets/nope/").status_code == 404
    graph = client.get(f"{BASE}/pipeline/").content.decode()
    assert f"{BASE}/datasets/cancer/?version=2" in graph and f"{BASE}/retraining/{retrained.run.pk}/" in graph
