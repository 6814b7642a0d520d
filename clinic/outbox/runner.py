"""One sender's loop, shared by `flask outbox worker` and each web process's sender:
drain what is due without pausing between full batches, and back off while the
database or the mail server is away, for as long as it takes."""

from threading import Event

from flask import Flask
from sqlalchemy.exc import InterfaceError, OperationalError

from clinic.extensions import db
from clinic.outbox.delivery import send_due

FIRST_BACKOFF_SECONDS = 1
MAX_BACKOFF_SECONDS = 60


class Runner:
    def __init__(self, app: Flask, stop: Event, interval: float):
        self.app, self.stop, self.interval = app, stop, interval
        self.failures = 0

    def step(self) -> float:
        """Run once; return how long to wait before the next run (0: at once)."""
        with self.app.app_context():
            try:
                report = send_due(stop=self.stop)
            except Exception as error:  # noqa: BLE001 - the loop outlives anything
                self.app.logger.error(
                    "outbox: run failed (%s: %s); trying again in %s s",
                    type(error).__name__,
                    error,
                    self.backoff(),
                    exc_info=not is_outage(error),
                )
                return self.fail()
            finally:
                db.session.remove()
        if report.sent or report.failed:
            self.app.logger.info("outbox: %s", report)
        if report.server_unavailable:
            self.app.logger.warning(
                "outbox: the mail server is unavailable; trying again in %s s",
                self.backoff(),
            )
            return self.fail()
        self.failures = 0
        return 0 if report.more else self.interval

    def backoff(self) -> float:
        return min(FIRST_BACKOFF_SECONDS * 2**self.failures, MAX_BACKOFF_SECONDS)

    def fail(self) -> float:
        delay = self.backoff()
        self.failures += 1
        return delay

    def run(self) -> None:
        """Keep going until `stop` is set."""
        while not self.stop.is_set():
            self.stop.wait(self.step())


def is_outage(error: Exception) -> bool:
    """A database that is away or busy: logged without a traceback, unlike a bug."""
    return isinstance(error, OperationalError | InterfaceError)
