"""`manage.py simulate`: replay a dataset version against a deployment with a drift scenario and feedback."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from console.services.simulation import simulation_build, simulation_run
from console.simulator import SCENARIOS, HttpSender
from core.errors import ValidationFailed
from core.models import Membership, Project
from monitoring.services.drift import config_for
from serving.selectors import deployment_find


class Command(BaseCommand):
    help = "Send bounded, loopback-only simulated traffic (with optional drift and delayed feedback)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", required=True)
        parser.add_argument("--deployment", required=True)
        parser.add_argument("--dataset", required=True)
        parser.add_argument("--dataset-version", type=int)
        parser.add_argument("--scenario", choices=SCENARIOS, default="none")
        parser.add_argument("--features", default="", help="Comma-separated features to shift (or replace).")
        parser.add_argument("--k", type=float, default=2.0, help="Shift in reference standard deviations.")
        parser.add_argument("--rate", type=float, default=10.0, help="Requests per second.")
        parser.add_argument("--duration", type=float, default=30.0, help="Seconds (at most 3600).")
        parser.add_argument("--max-requests", type=int, default=1000)
        parser.add_argument("--batch", type=int, default=1, help="Rows per request.")
        parser.add_argument("--label-rate", type=float, default=0.0, help="Share of predictions given feedback.")
        parser.add_argument("--feedback-delay", type=float, default=0.0, help="Seconds before feedback arrives.")
        parser.add_argument("--url", help="A Keel server on a loopback address (default: in-process).")
        parser.add_argument("--token", help="API token for --url.")
        parser.add_argument("--user", help="Run in-process as this member (default: the project's first owner).")

    def handle(self, *args: Any, **opts: Any) -> None:
        project = Project.objects.filter(slug=opts["project"]).first()
        if project is None:
            raise CommandError(f"no project {opts['project']!r}")
        member = (
            Membership.objects.filter(
                project=project, **({"user__username": opts["user"]} if opts["user"] else {"role": "owner"})
            )
            .select_related("user")
            .first()
        )
        if member is None:
            raise CommandError("no such member of the project")
        try:
            sim = simulation_build(
                project=project,
                deployment=opts["deployment"],
                dataset=opts["dataset"],
                version=opts["dataset_version"],
                scenario=opts["scenario"],
                features=[f for f in opts["features"].split(",") if f],
                k=opts["k"],
                rate=opts["rate"],
                duration=opts["duration"],
                max_requests=opts["max_requests"],
                label_rate=opts["label_rate"],
                feedback_delay=opts["feedback_delay"],
                batch=opts["batch"],
            )
            sender = HttpSender(opts["url"], opts["token"] or "") if opts["url"] else None
            result = simulation_run(sim=sim, user=member.user, sender=sender)
        except (ValidationFailed, ValueError) as exc:
            raise CommandError(str(getattr(exc, "detail", exc))) from None
        self.stdout.write(json.dumps(result, indent=2))
        self.stderr.write(_drift_note(project, opts["deployment"]))


def _drift_note(project: Project, name: str) -> str:
    """When the traffic shows up on the drift heatmap (the deployment's drift schedule)."""
    deployment = deployment_find(project=project, name=name)
    schedule = config_for(deployment) if deployment is not None else None
    if schedule is None or not schedule.enabled:
        return "no drift schedule: PUT .../drift-config/ to enable one, or POST .../drift-reports/ for a report now"
    return (
        f"drift: a report every {schedule.cadence_minutes} min over the last {schedule.window_minutes} min "
        "(the dashboard's heatmap shows it when the next one is stored)"
    )
