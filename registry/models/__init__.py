"""Registry models, one module per topic; re-exported here so Django finds them."""

from registry.models.datasets import *  # noqa: F403
from registry.models.experiments import *  # noqa: F403
from registry.models.models import *  # noqa: F403
