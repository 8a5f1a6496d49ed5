"""MLflow tracking/registry REST API (mounted at /api/2.0/) and its artifact proxy."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
