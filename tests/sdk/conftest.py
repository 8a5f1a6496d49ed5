from tests.integration.conftest import celery_worker_proc  # noqa: F401 - fixture used by live_keel_worker
from tests.live import live_keel, live_keel_worker  # noqa: F401 - fixtures
