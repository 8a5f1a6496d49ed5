from django.urls import include, path

from core import apis

urlpatterns = [
    path("projects/", apis.ProjectListApi.as_view(), name="project-list"),
    path("projects/<slug:project>/", apis.ProjectDetailApi.as_view(), name="project-detail"),
    path("projects/<slug:project>/members/", apis.MemberListApi.as_view(), name="member-list"),
    path(
        "projects/<slug:project>/members/<str:username>/",
        apis.MemberDetailApi.as_view(),
        name="member-detail",
    ),
    path(
        "projects/<slug:project>/service-accounts/",
        apis.ServiceAccountListApi.as_view(),
        name="service-account-list",
    ),
    path(
        "projects/<slug:project>/service-accounts/<int:account_id>/",
        apis.ServiceAccountDetailApi.as_view(),
        name="service-account-detail",
    ),
    path(
        "projects/<slug:project>/service-accounts/<int:account_id>/tokens/",
        apis.ServiceAccountTokenApi.as_view(),
        name="service-account-token",
    ),
    path("projects/<slug:project>/audit-events/", apis.AuditEventListApi.as_view(), name="audit-event-list"),
    path("tokens/", apis.TokenListApi.as_view(), name="token-list"),
    path("tokens/<int:token_id>/", apis.TokenDetailApi.as_view(), name="token-detail"),
    path("", include("core.webhooks.apis")),
]
