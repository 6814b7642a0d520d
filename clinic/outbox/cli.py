"""`flask outbox send` and `flask outbox worker`."""

import signal
import threading

import click
from flask.cli import AppGroup

from clinic.outbox.delivery import send_due

outbox_cli = AppGroup("outbox", help="Deliver the emails leads are owed.")


@outbox_cli.command("send")
@click.option("--all", "ignore_backoff", is_flag=True, help="Ignore retry back-off.")
def send_command(ignore_backoff: bool) -> None:
    """Try each email that is due once, then exit."""
    click.echo(str(send_due(ignore_backoff=ignore_backoff, limit=None)))


@outbox_cli.command("worker")
@click.option(
    "--interval", default=5.0, show_default=True, help="Seconds between runs."
)
def worker_command(interval: float) -> None:
    """Keep delivering until stopped (SIGTERM or Ctrl-C)."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo(f"outbox worker: checking every {interval:g} s")
    try:
        while not stop.is_set():
            report = send_due()
            if report.sent or report.failed:
                click.echo(str(report))
            stop.wait(interval)
    except KeyboardInterrupt:
        pass
    click.echo("outbox worker: stopped")
