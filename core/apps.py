from django.apps import AppConfig


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "Keel core (accounts, projects, audit)"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from core import hotcache, schema  # noqa: F401  (schema registers the OpenAPI auth extension)
        from core.models import ApiToken, Membership, Project, User

        for model in (ApiToken, Membership, Project, User):
            post_save.connect(hotcache.access_changed, sender=model, dispatch_uid=f"hotcache.save.{model.__name__}")
            post_delete.connect(hotcache.access_changed, sender=model, dispatch_uid=f"hotcache.del.{model.__name__}")
