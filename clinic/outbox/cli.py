"""`flask outbox send` and `flask outbox worker`."""

import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup

from clinic.outbox import chores
from clinic.outbox.delivery import send_due
from clinic.outbox.runner import Runner


def daily_chores(stop: threading.Event) -> None:
    for line in chores.run_daily(stop):
        click.echo(line)


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
    app = current_app._get_current_object()
    # This process is the sender: a commit here (a chore's report) wakes no other.
    app.config["OUTBOX_SEND_IN_BACKGROUND"] = False
    count = app.config["OUTBOX_CONNECTIONS"]
    click.echo(f"outbox worker: {count} senders, checking every {interval:g} s")
    # What each run sent, on standard output as it happens (systemd's journal).
    lanes = [
        Runner(app, stop, interval, on_report=lambda r: click.echo(str(r)))
        for _ in range(count - 1)
    ]
    threads = [
        threading.Thread(target=lane.run, name=f"outbox-{n}", daemon=True)
        for n, lane in enumerate(lanes, 1)
    ]
    for thread in threads:
        thread.start()
    Runner(
        app,
        stop,
        interval,
        on_report=lambda r: click.echo(str(r)),
        daily=daily_chores,
        # Not at start-up (a restart in the busy day would purge then): at the
        # clinic's quiet hour, every day.
        daily_at=lambda: run_in(app, chores.until_quiet_hour),
    ).run()
    for thread in threads:
        thread.join()
    click.echo("outbox worker: stopped")


def run_in(app, function):
    with app.app_context():
        return function()
