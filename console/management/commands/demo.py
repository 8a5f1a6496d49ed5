"""`manage.py demo`: Keel's end-to-end demo on whatever backend is configured (embedded default or production).

Idempotent: a second run reuses the demo user, project and token. Each lifecycle stage adds its step here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from core import services
from core.models import ApiToken, Project, User

DEMO_USER = "demo"
DEMO_PASSWORD = "keel-demo-password"  # noqa: S105 - printed for the newcomer; local demo only
DEMO_PROJECT = "demo-breast-cancer"


class Command(BaseCommand):
    help = "Run Keel's end-to-end demo and print where to look."

    def handle(self, *args: Any, **options: Any) -> None:
        user = self._user()
        project = self._project(user)
        for old in ApiToken.objects.active().filter(user=user, name="demo"):
            services.api_token_revoke(user=user, token_id=old.pk)
        token = services.api_token_create(user=user, name="demo", default_project=project)
        steps = self._steps()
        report: dict[str, Any] = {}
        for title, step in steps:
            self.stdout.write(self.style.MIGRATE_HEADING(f"==> {title}"))
            report.update(step(user=user, project=project, out=self.stdout) or {})
        self._report(project, token.secret, report)

    def _steps(self) -> list[tuple[str, Any]]:
        from console.demo.data import steps as registry_steps
        from console.demo.operate import steps as monitoring_steps
        from console.demo.training import steps as training_steps

        return [*registry_steps(), *training_steps(), *monitoring_steps()]

    @transaction.atomic
    def _user(self) -> User:
        user = User.objects.filter(username=DEMO_USER).first()
        if user is None:
            user = User.objects.create_superuser(DEMO_USER, "demo@keel.local", DEMO_PASSWORD)
        return user

    def _project(self, user: User) -> Project:
        project = Project.objects.filter(slug=DEMO_PROJECT).first()
        if project is None:
            project = services.project_create(
                user=user,
                slug=DEMO_PROJECT,
                name="Demo: breast cancer diagnosis",
                description="Created by `manage.py demo` from scikit-learn's bundled breast cancer dataset.",
                acceptance_criteria=[{"metric": "f1_macro", "op": ">=", "threshold": 0.9}],
            )
        return project

    def _report(self, project: Project, secret: str, report: dict[str, Any]) -> None:
        base = str(settings.KEEL_PUBLIC_URL).rstrip("/")
        lines = [
            "",
            self.style.SUCCESS("Keel demo finished."),
            *(f"  {key}: {value}" for key, value in report.items()),
            "",
            f"  Dashboard:     {base}/dashboard/  (sign in as below)",
            f"  API docs:      {base}/api/docs/",
            f"  Project API:   {base}/api/v1/projects/{project.slug}/",
            f"  Admin:         {base}/admin/  (user {DEMO_USER!r}, password {DEMO_PASSWORD!r})",
            f"  API token:     {secret}",
            f"  Try:           curl -H 'Authorization: Bearer {secret}' {base}/api/v1/projects/",
        ]
        self.stdout.write("\n".join(lines))
