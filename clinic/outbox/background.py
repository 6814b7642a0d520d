"""A sender thread in each app process, woken by the commit that stores an email.

It keeps SMTP off the request path without needing a separate worker on a laptop;
in production `flask outbox worker` runs as well, and leases keep the two apart.
Views never wake it: any transaction that adds an email marks its session, and
the session's commit wakes the sender, so no email waits for a forgotten call.
"""

import os
import threading

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from clinic.models import OutboxEmail
from clinic.outbox.runner import Runner

OWED = "outbox_owed"

POLL_SECONDS = 30  # also picks up retries whose back-off has run out


class Lane:
    """One sender thread, with its own connection to the mail server."""

    def __init__(self, app: Flask, stopping: threading.Event, number: int):
        self.wake = threading.Event()
        self.stopping = stopping
        self.runner = Runner(app, stopping, POLL_SECONDS)
        self.thread = threading.Thread(
            target=self.run, name=f"outbox-sender-{number}", daemon=True
        )
        self.thread.start()

    def run(self) -> None:
        delay = POLL_SECONDS
        while not self.stopping.is_set():
            # A patient's request wakes it early.
            if delay:
                self.wake.wait(delay)
            self.wake.clear()
            if self.stopping.is_set():
                break
            delay = self.runner.step()


class BackgroundSender:
    """OUTBOX_CONNECTIONS lanes: while one waits on a mail server that does not
    answer, the others go on sending."""

    def __init__(self, app: Flask):
        self.pid = os.getpid()
        self.stopping = threading.Event()
        self.lanes = [
            Lane(app, self.stopping, n) for n in range(app.config["OUTBOX_CONNECTIONS"])
        ]

    def wake(self) -> None:
        for lane in self.lanes:
            lane.wake.set()

    def stop(self) -> None:
        self.stopping.set()
        self.wake()
        for lane in self.lanes:
            lane.thread.join(timeout=10)


def owed(session: Session) -> None:
    """Mark a transaction as one that stores an email (for the writes no flush sees,
    like a bulk INSERT)."""
    session.info[OWED] = True


def note_new_emails(session: Session, _context, _instances) -> None:
    if any(isinstance(row, OutboxEmail) for row in session.new):
        owed(session)


def wake_after_commit(session: Session) -> None:
    if session.info.pop(OWED, False) and has_app_context():
        kick()


def forget_on_rollback(session: Session) -> None:
    session.info.pop(OWED, None)


HOOKS = (
    ("before_flush", note_new_emails),
    ("after_commit", wake_after_commit),
    ("after_rollback", forget_on_rollback),
)


def register() -> None:
    """Listen to every session's flushes and commits, once per process."""
    for name, hook in HOOKS:
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)


def kick() -> None:
    """Wake this process's sender (starting it after a fork) to deliver what is due."""
    app = current_app._get_current_object()
    if not app.config["OUTBOX_SEND_IN_BACKGROUND"]:
        return
    sender = app.extensions.get("outbox_sender")
    if sender is None or sender.pid != os.getpid():
        sender = app.extensions["outbox_sender"] = BackgroundSender(app)
    sender.wake()
