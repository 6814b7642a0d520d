"""A sender thread in each app process, woken right after a lead is stored.

It keeps SMTP off the request path without needing a separate worker on a laptop;
in production `flask outbox worker` runs as well, and leases keep the two apart.
"""

import os
import threading

from flask import Flask, current_app

from clinic.outbox.delivery import send_due

POLL_SECONDS = 30  # also picks up retries whose back-off has run out


class BackgroundSender:
    def __init__(self, app: Flask):
        self.app = app
        self.pid = os.getpid()
        self.wake = threading.Event()
        self.stopping = False
        self.thread = threading.Thread(
            target=self.run, name="outbox-sender", daemon=True
        )
        self.thread.start()

    def run(self) -> None:
        while not self.stopping:
            self.wake.wait(POLL_SECONDS)
            self.wake.clear()
            if self.stopping:
                break
            with self.app.app_context():
                try:
                    send_due()
                except Exception:  # noqa: BLE001 - the thread must outlive any bug
                    self.app.logger.exception("background outbox sender failed")

    def stop(self) -> None:
        self.stopping = True
        self.wake.set()
        self.thread.join(timeout=10)


def kick() -> None:
    """Wake this process's sender (starting it after a fork) to deliver what is due."""
    app = current_app._get_current_object()
    if not app.config["OUTBOX_SEND_IN_BACKGROUND"]:
        return
    sender = app.extensions.get("outbox_sender")
    if sender is None or sender.pid != os.getpid():
        sender = app.extensions["outbox_sender"] = BackgroundSender(app)
    sender.wake.set()
