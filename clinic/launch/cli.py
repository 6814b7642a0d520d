"""`flask launch-check`: the go-live list, failing while anything is on it."""

import sys

import click
from flask.cli import with_appcontext

from clinic.launch.checks import blockers


@click.command("launch-check")
@with_appcontext
def launch_check_command() -> None:
    """Say what stands between this install and opening it to patients; exit 1
    while anything does, so a deployment script can refuse to go live."""
    found = blockers()
    for number, blocker in enumerate(found, 1):
        click.echo(f"{number}. {blocker.what}\n   Fix: {blocker.fix}")
    if found:
        click.echo(f"\nNot ready to go live: {len(found)} to fix.", err=True)
        sys.exit(1)
    click.echo("Ready to go live: nothing on the list.")
