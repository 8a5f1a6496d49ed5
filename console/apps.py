from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """What people look at and play with: the dashboard, the demo, the simulator, load tests, readiness."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "console"
