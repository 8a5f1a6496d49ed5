from serving.apis import urlpatterns as serving_urls
from serving.logapis import urlpatterns as log_urls

urlpatterns = [*serving_urls, *log_urls]

__all__ = ["urlpatterns"]
