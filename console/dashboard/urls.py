from django.contrib.auth.decorators import login_required
from django.urls import path

from console.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", login_required(views.OverviewView.as_view()), name="overview"),
    path(
        "<slug:project>/deployments/<str:name>/",
        login_required(views.DeploymentView.as_view()),
        name="deployment",
    ),
    path(
        "<slug:project>/deployments/<str:name>/data.json",
        login_required(views.DeploymentDataView.as_view()),
        name="deployment-data",
    ),
    path(
        "<slug:project>/deployments/<str:name>/rollback/",
        login_required(views.DeploymentRollbackView.as_view()),
        name="deployment-rollback",
    ),
    path("<slug:project>/models/<str:name>/", login_required(views.ModelView.as_view()), name="model"),
    path("<slug:project>/datasets/<str:name>/", login_required(views.DatasetView.as_view()), name="dataset"),
    path(
        "<slug:project>/retraining/<int:run_id>/",
        login_required(views.RetrainingRunView.as_view()),
        name="retraining-run",
    ),
    path("<slug:project>/pipeline/", login_required(views.PipelineView.as_view()), name="pipeline"),
]
