"""`keel alerts …`."""

from __future__ import annotations

from typing import Annotated

import typer
from keel_client.api.monitoring import alerts_acknowledge, alerts_list
from keel_client.models import AlertsListStatus
from keel_client.types import UNSET

from keel_cli import output
from keel_cli.api import call
from keel_cli.cliutil import ColumnsOpt, CsvFlag, JsonFlag, ProjectOpt, WideFlag, command, project_slug, view

app = typer.Typer(help="Alerts raised by alert rules.", no_args_is_help=True)

ALERT_COLUMNS = ["id", "status", "severity", "deployment", "rule", "message", "started_at"]


@command(app, "list")
def list_alerts(
    project: ProjectOpt = "",
    status: Annotated[AlertsListStatus | None, typer.Option(help="Only alerts in this status")] = None,
    columns: ColumnsOpt = "",
    wide: WideFlag = False,
    as_csv: CsvFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Alerts of a project, newest first."""
    page = call(alerts_list.sync_detailed, project=project_slug(project), page_size=500, status=status or UNSET)
    output.listing(page.results, ALERT_COLUMNS, view(as_json, as_csv, columns, wide))


@command(app, "ack")
def acknowledge(alert_id: int, project: ProjectOpt = "", as_json: JsonFlag = False) -> None:
    """Acknowledge a firing alert."""
    output.show(
        call(alerts_acknowledge.sync_detailed, project=project_slug(project), alert_id=alert_id),
        ALERT_COLUMNS,
        as_json=as_json,
    )
