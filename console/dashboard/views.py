"""The monitoring dashboard: server-rendered pages plus small JSON endpoints the pages poll every 2 s.

Every view requires a session login (wrapped with ``login_required`` in urls.py) and project membership: a
non-member gets a 404, exactly like the API. Rolling back needs the ``operate`` action (maintainer and owner).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views import View

from console.dashboard import selectors
from console.services.readiness import deployment_readiness
from core.errors import DomainError, NotFound
from core.models import Project, User
from core.roles import Action, role_allows
from core.selectors import membership_role, project_get_for_user, project_list_for_user
from serving.models import Deployment
from serving.selectors import deployment_find
from serving.services import deployment_rollback

T = TypeVar("T")


class DashboardView(View):
    """Base: resolves the project for the logged-in user (404 for non-members)."""

    dashboard_access = True  # login_required + membership; understood by tests/core/test_urlconf_access.py

    project: Project
    role: str

    def load_project(self, request: HttpRequest, slug: str) -> None:
        user = request.user
        assert isinstance(user, User)
        try:
            self.project, self.role = project_get_for_user(slug=slug, user=user)
        except NotFound:
            raise Http404("Project not found.") from None
        if not role_allows(self.role, Action.READ):
            raise Http404("Project not found.")

    def load(self, request: HttpRequest, slug: str, find: Callable[[Project, Any], T | None], key: Any, what: str) -> T:
        """What ``find`` returns for ``key`` in the project (loaded first); a 404 naming ``what`` for nothing."""
        self.load_project(request, slug)
        found = find(self.project, key)
        if found is None:
            raise Http404(f"{what} not found.")
        return found

    def load_deployment(self, request: HttpRequest, slug: str, name: str) -> Deployment:
        return self.load(
            request, slug, lambda project, key: deployment_find(project=project, name=key), name, "Deployment"
        )

    def base_context(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "role": self.role,
            "can_operate": role_allows(self.role, Action.OPERATE),
        }

    def render_versions(
        self, request: HttpRequest, template: str, choices: list[Any], detail: Callable[[Any], Any], **context: Any
    ) -> HttpResponse:
        """A model's or dataset's page: ``context``, the version of ``choices`` chosen by ``?version=`` (else the
        newest) and its ``detail``; the page lists ``choices`` as its versions unless ``context`` gives others."""
        chosen = _chosen_version(request, choices)
        shown = {"versions": choices, **context, "chosen": chosen, "detail": detail(chosen) if chosen else None}
        return render(request, template, {**self.base_context(), **shown})


class OverviewView(DashboardView):
    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        assert isinstance(user, User)
        projects = [p for p in project_list_for_user(user=user) if role_allows(_role(user, p), Action.READ)]
        return render(request, "dashboard/overview.html", {"projects": selectors.overview(projects)})


def _role(user: User, project: Project) -> str | None:
    return membership_role(user=user, project=project)


class DeploymentView(DashboardView):
    def get(self, request: HttpRequest, project: str, name: str) -> HttpResponse:
        deployment = self.load_deployment(request, project, name)
        alerts = selectors.alerts_for(deployment)
        context = {
            **self.base_context(),
            "deployment": deployment,
            "data": selectors.deployment_data(deployment, self.project.task_type),
            "revisions": selectors.revisions(deployment),
            "heatmap": selectors.drift_heatmap(deployment),
            "firing": alerts["firing"],
            "recent_alerts": alerts["recent"],
            "readiness": deployment_readiness(deployment=deployment),
        }
        return render(request, "dashboard/deployment.html", context)


class DeploymentDataView(DashboardView):
    """The polled JSON; with ``?heatmap=1`` also the drift heatmap's HTML (fetched when a new report appears)."""

    def get(self, request: HttpRequest, project: str, name: str) -> JsonResponse:
        deployment = self.load_deployment(request, project, name)
        data = selectors.deployment_data(deployment, self.project.task_type)
        if request.GET.get("heatmap"):
            context = {"heatmap": selectors.drift_heatmap(deployment)}
            data["heatmap_html"] = render_to_string("dashboard/_drift_heatmap.html", context, request=request)
        return JsonResponse(data)


class DeploymentRollbackView(DashboardView):
    def post(self, request: HttpRequest, project: str, name: str) -> HttpResponse:
        deployment = self.load_deployment(request, project, name)
        if not role_allows(self.role, Action.OPERATE):
            return HttpResponseForbidden("Rolling back needs the maintainer role.")
        user = request.user
        assert isinstance(user, User)
        try:
            revision = deployment_rollback(deployment=deployment, user=user, reason="rollback from the dashboard")
        except DomainError as exc:  # e.g. no previous revision: shown on the page, not a server error
            messages.error(request, exc.detail)
        else:
            messages.success(request, f"Rolled back: now serving revision r{revision.number}.")
        return redirect("dashboard:deployment", project=project, name=name)


class ModelView(DashboardView):
    def get(self, request: HttpRequest, project: str, name: str) -> HttpResponse:
        model = self.load(request, project, selectors.model_get, name, "Model")
        versions = selectors.model_versions(model)
        return self.render_versions(
            request,
            "dashboard/model.html",
            versions,
            selectors.version_detail,
            model=model,
            versions=[{"version": v, "deployments": selectors.version_deployments(v)} for v in versions],
            aliases=selectors.model_aliases(model),
            ledger=selectors.alias_ledger(model),
        )


def _chosen_version(request: HttpRequest, versions: list[Any]) -> Any:
    wanted = request.GET.get("version", "")
    if wanted.isdigit():
        match = next((v for v in versions if v.number == int(wanted)), None)
        if match is None:
            raise Http404("Version not found.")
        return match
    return versions[0] if versions else None


class DatasetView(DashboardView):
    def get(self, request: HttpRequest, project: str, name: str) -> HttpResponse:
        dataset = self.load(request, project, selectors.dataset_get, name, "Dataset")
        versions = selectors.dataset_versions(dataset)
        detail = selectors.dataset_version_detail
        return self.render_versions(request, "dashboard/dataset.html", versions, detail, dataset=dataset)


class RetrainingRunView(DashboardView):
    def get(self, request: HttpRequest, project: str, run_id: int) -> HttpResponse:
        run = self.load(request, project, selectors.retraining_run_get, run_id, "Retraining run")
        context = {**self.base_context(), "run": run, **selectors.retraining_run_detail(run)}
        return render(request, "dashboard/retraining.html", context)


class PipelineView(DashboardView):
    def get(self, request: HttpRequest, project: str) -> HttpResponse:
        self.load_project(request, project)
        context = {**self.base_context(), "graph": selectors.pipeline_graph(self.project)}
        return render(request, "dashboard/pipeline.html", context)
