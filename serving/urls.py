from serving.apis import urlpatterns

__all__ = ["urlpatterns"]
