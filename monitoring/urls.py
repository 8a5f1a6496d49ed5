from monitoring.apis import urlpatterns

__all__ = ["urlpatterns"]
