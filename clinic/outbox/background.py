"""A sender thread in each app process, woken right after a lead is stored.

It keeps SMTP off the request path without needing a separate worker on a laptop;
in production `flask outbox worker` runs as well, and leases keep the two apart.
"""

import os
import threading

from flask import Flask, current_app

from clinic.outbox.runner import Runner

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


def kick() -> None:
    """Wake this process's sender (starting it after a fork) to deliver what is due."""
    app = current_app._get_current_object()
    if not app.config["OUTBOX_SEND_IN_BACKGROUND"]:
        return
    sender = app.extensions.get("outbox_sender")
    if sender is None or sender.pid != os.getpid():
        sender = app.extensions["outbox_sender"] = BackgroundSender(app)
    sender.wake()
