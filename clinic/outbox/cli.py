"""`flask outbox send` and `flask outbox worker`."""

import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup

from clinic.outbox.delivery import send_due
from clinic.outbox.runner import Runner


def daily_purge() -> None:
    """Apply the retention periods (the worker's daily chore)."""
    from clinic.staff import retention  # the staff area imports the outbox

    click.echo(f"retention: removed {retention.purge()}")


outbox_cli = AppGroup("outbox", help="Deliver the emails leads are owed.")


@outbox_cli.command("send")
@click.option("--all", "ignore_backoff", is_flag=True, help="Ignore retry back-off.")
def send_command(ignore_backoff: bool) -> None:
    """Try each email that is due once, then exit."""
    click.echo(str(send_due(ignore_backoff=ignore_backoff, limit=None)))


@outbox_cli.command("worker")
@click.option(
    "--interval",
    default=5.0,
    show_default=True,
    help="Seconds to wait when nothing is due.",
)
def worker_command(interval: float) -> None:
    """Keep delivering until stopped (SIGTERM or Ctrl-C): a backlog without pause,
    and through database and mail server outages, backing off."""
    stop = threading.Event()
    for each in (signal.SIGTERM, signal.SIGINT):
        signal.signal(each, lambda *_: stop.set())
    click.echo(f"outbox worker: checking every {interval:g} s")
    app = current_app._get_current_object()
    # What each run sent, on standard output as it happens (systemd's journal).
    Runner(
        app,
        stop,
        interval,
        on_report=lambda r: click.echo(str(r)),
        daily=daily_purge,
    ).run()
    click.echo("outbox worker: stopped")
