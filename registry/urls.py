from registry.apis.datasets import urlpatterns as dataset_urls
from registry.apis.experiments import urlpatterns as experiment_urls
from registry.apis.models import urlpatterns as model_urls

urlpatterns = [*dataset_urls, *experiment_urls, *model_urls]
