"""`keel`: the command line for a Keel server. Every command is one or two SDK calls and a table (or --json)."""

from __future__ import annotations

from typing import Annotated

import typer

from keel_cli import config
from keel_cli.commands import alerts, deployments, drift, projects, registry, training
from keel_cli.declarative import apply_command, config_app, export_command

app = typer.Typer(
    name="keel",
    help="Work with a Keel server: projects, datasets, training, runs, models, deployments, drift and alerts.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(projects.app, name="projects")
app.add_typer(projects.datasets, name="datasets")
app.add_typer(training.app, name="train")
app.add_typer(training.runs, name="runs")
app.add_typer(registry.app, name="models")
app.add_typer(deployments.app, name="deployments")
app.add_typer(drift.app, name="drift")
app.add_typer(alerts.app, name="alerts")
app.command("apply")(apply_command)
app.command("export")(export_command)
app.add_typer(config_app, name="config")


@app.command()
def configure(
    url: Annotated[str, typer.Option(prompt="Keel server URL", help="e.g. http://127.0.0.1:8000")],
    token: Annotated[str, typer.Option(prompt="API token", hide_input=True, help="A Keel API token (keel_...)")],
    project: Annotated[str, typer.Option(help="Default project for commands that take -p")] = "",
) -> None:
    """Store the server URL and token (KEEL_URL / KEEL_TOKEN / KEEL_PROJECT override the file)."""
    path = config.save(config.Settings(url=url.rstrip("/"), token=token, project=project))
    typer.echo(f"Saved {path}")
