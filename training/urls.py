from training.apis import urlpatterns

__all__ = ["urlpatterns"]
