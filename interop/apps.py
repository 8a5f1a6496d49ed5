from django.apps import AppConfig


class InteropConfig(AppConfig):
    """Foreign protocols mapped onto Keel's own objects: MLflow's REST API and the Open Inference Protocol (v2).

    May import `core`, `registry`, `serving` and `training`; nothing imports it except `config/urls.py`.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "interop"
