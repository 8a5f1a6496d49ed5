from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from core.roles import Role

slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$",
    "Use 1-64 lowercase letters, digits and hyphens, starting and ending with a letter or digit.",
)
name_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$",
    "Use 1-128 letters, digits, '.', '_' and '-', starting with a letter or digit.",
)


class User(AbstractUser):
    """A person, or a service account (a client application that calls inference)."""

    is_service_account = models.BooleanField(default=False)
    service_project = models.ForeignKey(
        "core.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="service_accounts"
    )

    class Meta:
        db_table = "core_user"


def user_ref() -> models.ForeignKey[User | None, User | None]:
    """A key to the user who created, changed or decided something: optional, kept as NULL when that user is
    deleted, with no reverse accessor on the user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class Created(models.Model):
    """Abstract base of a row that records who created it (``user_ref``) and when."""

    created_by = user_ref()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class TaskType(models.TextChoices):
    CLASSIFICATION = "classification"
    REGRESSION = "regression"


class Project(models.Model):
    """The tenant: everything else hangs off a project and is only visible to its members."""

    slug = models.SlugField(max_length=64, unique=True, validators=[slug_validator])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    task_type = models.CharField(max_length=20, choices=TaskType.choices, default=TaskType.CLASSIFICATION)
    # [{"metric": "f1_macro", "op": ">=", "threshold": 0.9}, ...]
    acceptance_criteria = models.JSONField(default=list, blank=True)
    require_human_approval = models.BooleanField(default=True)
    created_by = user_ref()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class ProjectKey(models.ForeignKey):
    """The ``project`` key of a ``ProjectScoped`` model. Its reverse name is the model's ``project_reverse_name``
    (``project.datasets``, ``project.deployments``; "+" for none), which a field inherited from an abstract base
    cannot spell by itself (Django's ``%(class)s`` gives ``registeredmodels``, not ``registered_models``).
    Migrations see a plain ForeignKey, so the schema is that of the key each model declared before."""

    def contribute_to_class(
        self, cls: type[models.Model], name: str, private_only: bool = False, **kwargs: Any
    ) -> None:
        if not cls._meta.abstract:
            self.remote_field.related_name = getattr(cls, "project_reverse_name", "+")
        super().contribute_to_class(cls, name, private_only=private_only, **kwargs)

    def deconstruct(self) -> Any:
        name, _, args, kwargs = super().deconstruct()
        if self.remote_field.related_name:
            kwargs["related_name"] = self.remote_field.related_name
        return name, "django.db.models.ForeignKey", args, kwargs


class ProjectScoped(models.Model):
    """Abstract base of a row that belongs to one project (deleted with it) and records when it was created."""

    project_reverse_name: ClassVar[str] = "+"

    project = ProjectKey(Project, on_delete=models.CASCADE)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class ProjectNamed(ProjectScoped):
    """Abstract base of what a project names and people manage (a dataset, a registered model, a deployment): a
    name unique in the project (each model declares that constraint under its own name), a description, who
    created it, when it last changed; listed by name, shown as ``<project>/<name>``."""

    name = models.CharField(max_length=128, validators=[name_validator])
    description = models.TextField(blank=True)
    created_by = user_ref()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.project.slug}/{self.name}"


class Membership(ProjectScoped):
    project_reverse_name = "memberships"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="uniq_membership")]
        ordering = ["project_id", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} in {self.project} as {self.role}"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A bearer token. Only its sha256 is stored; the secret is shown once, at creation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    default_project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()


class AuditEvent(models.Model):
    """One control-plane change: who did what to which object, when, from where. Append-only."""

    id = models.BigAutoField(primary_key=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    project_slug = models.CharField(max_length=64, blank=True, db_index=True)
    actor = user_ref()
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=100, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=500, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=128, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Hash chain per project_slug (core/audit_chain.py); verified by `manage.py verify_audit`.
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["project", "-id"], name="audit_project_recent"),
            models.Index(fields=["project_slug", "-id"], name="audit_chain_last"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("Audit events are append-only")


class Heartbeat(models.Model):
    """Written by the `core.heartbeat` task: proves a worker reaches the broker and the database."""

    token = models.CharField(max_length=64, unique=True)
    worker = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.token} by {self.worker}"


from core.models_backup import *  # noqa: E402,F403
from core.webhooks.models import *  # noqa: E402,F403
