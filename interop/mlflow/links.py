"""MLflow-style links on Keel's own pages.

The MLflow client prints links such as ``http://host/#/experiments/5/runs/<run_id>``. A browser never sends the
part after ``#``, so ``/`` is a small page whose script (static/interop/mlflow-links.js) turns the fragment into a
path under ``/mlflow/``; the views here find the object among the projects the signed-in user belongs to and
redirect to its Keel page: a run or an experiment to its API resource, a model (or one of its versions) to its
dashboard page. Without a fragment the script opens the dashboard.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.views import View
from django.views.generic import TemplateView

from interop.mlflow import lookups


class LinkPage(TemplateView):
    """``/``: public, static and the same for everyone (the script decides where to go)."""

    public = True
    template_name = "interop/mlflow_links.html"


def _user_id(request: HttpRequest) -> int:
    return int(request.user.pk or 0)


class _Link(LoginRequiredMixin, View):
    """Session login (anonymous users go to the login page), then only the user's projects are searched."""

    dashboard_access = True


class RunLink(_Link):
    def get(self, request: HttpRequest, experiment_id: int, run_id: str) -> HttpResponse:
        run = lookups.linked_run(_user_id(request), experiment_id, run_id)
        if run is None:
            raise Http404("No such run in your projects.")
        return HttpResponseRedirect(reverse("run-detail", kwargs={"project": run.project.slug, "run_id": run.run_id}))


class ExperimentLink(_Link):
    def get(self, request: HttpRequest, experiment_id: int) -> HttpResponse:
        found = lookups.linked_experiment(_user_id(request), experiment_id)
        if found is None:
            raise Http404("No such experiment in your projects.")
        kwargs = {"project": found.project.slug, "name": found.name}
        return HttpResponseRedirect(reverse("experiment-detail", kwargs=kwargs))


class ModelLink(_Link):
    """A model, or one of its versions: the model's dashboard page (which lists its versions)."""

    def get(self, request: HttpRequest, name: str, number: int | None = None) -> HttpResponse:
        found = lookups.linked_model(_user_id(request), name)
        if found is None:
            raise Http404("No such registered model in your projects.")
        kwargs = {"project": found.project.slug, "name": found.name}
        return HttpResponseRedirect(reverse("dashboard:model", kwargs=kwargs))


urlpatterns = [
    path("experiments/<int:experiment_id>", ExperimentLink.as_view(), name="mlflow-link-experiment"),
    path("experiments/<int:experiment_id>/runs/<str:run_id>", RunLink.as_view(), name="mlflow-link-run"),
    path("models/<str:name>", ModelLink.as_view(), name="mlflow-link-model"),
    path("models/<str:name>/versions/<int:number>", ModelLink.as_view(), name="mlflow-link-model-version"),
]
