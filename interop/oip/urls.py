"""Open Inference Protocol v2 (mounted at /v2/)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
