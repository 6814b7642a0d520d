"""The chores features give the outbox worker to run once a day (the retention
purge), at the clinic's quiet hour."""

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, current_app

# A chore does its work, stopping early when the worker stops, and says what it did.
Chore = Callable[[threading.Event], str]


def register(app: Flask, chore: Chore) -> None:
    """Add a daily chore to every worker this app runs."""
    chores = app.extensions.setdefault("outbox_daily_chores", [])
    if chore not in chores:
        chores.append(chore)


def run_daily(stop: threading.Event) -> list[str]:
    """Run each registered chore in turn; what each did, one line each."""
    done = []
    for chore in current_app.extensions.get("outbox_daily_chores", []):
        if stop.is_set():
            break
        done.append(chore(stop))
    return done


def until_quiet_hour() -> float:
    """Seconds until RETENTION_HOUR next strikes on the clinic's clock."""
    zone = ZoneInfo(current_app.config["CLINIC_TIMEZONE"])
    now = datetime.now(zone)
    due = now.replace(
        hour=current_app.config["RETENTION_HOUR"], minute=0, second=0, microsecond=0
    )
    if due <= now:
        due += timedelta(days=1)
    return (due - now).total_seconds()
