from django.apps import AppConfig


class DeclarativeConfig(AppConfig):
    """Declarative configuration: plan/apply/export a project's desired state (keel.yaml).

    Spans every app's configuration objects, so it may import `core`, `registry`, `training`, `serving` and
    `monitoring`; nothing imports it except `config/urls.py`.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "declarative"
