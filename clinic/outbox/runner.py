"""One sender's loop, shared by `flask outbox worker` and each web process's sender:
drain what is due without pausing between full batches, and back off while the
database or the mail server is away, for as long as it takes."""

import time
from collections.abc import Callable
from threading import Event

from flask import Flask

from clinic.errors import OUTAGES
from clinic.extensions import db
from clinic.outbox.delivery import Report, send_due

FIRST_BACKOFF_SECONDS = 1
MAX_BACKOFF_SECONDS = 60
DAY_SECONDS = 24 * 3600


class Runner:
    def __init__(
        self,
        app: Flask,
        stop: Event,
        interval: float,
        on_report: Callable[[Report], None] | None = None,
        daily: Callable[[Event], None] | None = None,
        daily_at: Callable[[], float] = lambda: 0,
    ):
        self.app, self.stop, self.interval = app, stop, interval
        # A chore run once a day (the retention purge), `daily_at()` seconds from
        # now (the next quiet hour), then again from its end; timed by the
        # monotonic clock, so a clock change neither skips nor repeats a run.
        self.daily, self.daily_at = daily, daily_at
        self.daily_due = time.monotonic() + daily_at()
        self.on_report = on_report or (
            lambda report: app.logger.info("outbox: %s", report)
        )
        self.failures = 0

    def step(self) -> float:
        """Run once; return how long to wait before the next run (0: at once)."""
        if self.daily and time.monotonic() >= self.daily_due:
            self.run_daily()
        with self.app.app_context():
            try:
                report = send_due(stop=self.stop)
            except Exception as error:  # noqa: BLE001 - the loop outlives anything
                delay = self.fail()
                self.app.logger.error(
                    "outbox: run failed (%s: %s); trying again in %s s",
                    type(error).__name__,
                    error,
                    delay,
                    # A database away is no bug: no traceback for it.
                    exc_info=not isinstance(error, OUTAGES),
                )
                return delay
            finally:
                db.session.remove()
        if report.sent or report.failed:
            self.on_report(report)
        if report.server_unavailable:
            delay = self.fail()
            self.app.logger.warning(
                "outbox: the mail server is unavailable; trying again in %s s", delay
            )
            return delay
        self.failures = 0
        return 0 if report.more else self.interval

    def run_daily(self) -> None:
        with self.app.app_context():
            try:
                self.daily(self.stop)
            except Exception as error:  # noqa: BLE001 - tried again in an hour
                self.app.logger.error(
                    "daily chore failed (%s: %s); trying again in an hour",
                    type(error).__name__,
                    error,
                    exc_info=not isinstance(error, OUTAGES),
                )
                self.daily_due = time.monotonic() + 3600
                return
            finally:
                db.session.remove()
        self.daily_due = time.monotonic() + (self.daily_at() or DAY_SECONDS)

    def fail(self) -> float:
        """Count a failed run; return the wait before the next, doubling each time."""
        delay = min(FIRST_BACKOFF_SECONDS * 2**self.failures, MAX_BACKOFF_SECONDS)
        self.failures += 1
        return delay

    def run(self) -> None:
        """Keep going until `stop` is set."""
        while not self.stop.is_set():
            self.stop.wait(self.step())
