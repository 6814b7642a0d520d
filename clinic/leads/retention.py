"""Keeping personal data no longer than the clinic needs it: the leads whose work
is over (closed, cancelled, completed, no-show) after LEAD_RETENTION_DAYS, spam
after SPAM_RETENTION_DAYS, removed as an admin's deletion removes them; and
activity records after AUDIT_RETENTION_DAYS.

Nothing with an appointment still to come is removed (that would cancel it without
a word to the patient), and leads still open past LEAD_RETENTION_DAYS are reported
to the clinic, which decides: nothing is kept for ever without anyone knowing."""

import fcntl
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from threading import Event

from flask import current_app
from sqlalchemy import delete, func, or_, select

from clinic import audit
from clinic.clock import database_now
from clinic.extensions import db
from clinic.leads import workflow
from clinic.models import Appointment, AuditEvent, Lead, OutboxEmail
from clinic.outbox.queue import enqueue_clinic_alert
from clinic.vocabulary import AppointmentStatus, AuditAction, EmailKind, LeadStatus

FINISHED = (
    LeadStatus.CLOSED,
    LeadStatus.CANCELLED,
    LeadStatus.COMPLETED,
    LeadStatus.NO_SHOW,
)
# Leads per transaction, and the pause after each: on SQLite every form post waits
# for the writer before it, so a purge gives way every few milliseconds instead of
# holding the lock through one long batch after another.
BATCH = 25
PAUSE_SECONDS = 0.05


@dataclass
class Purge:
    leads: list[tuple[int, LeadStatus, datetime]] = field(default_factory=list)
    audit_events: int = 0
    # Past LEAD_RETENTION_DAYS but still open (or with an appointment to come).
    kept: list[tuple[int, LeadStatus, datetime]] = field(default_factory=list)
    # Why nothing was done: the clock disagrees with the data.
    refused: str | None = None

    def __str__(self) -> str:
        return (
            f"{len(self.leads)} leads past their retention period, "
            f"{self.audit_events} activity records past theirs"
        )


def booked_ahead(now: datetime):
    """Leads with an appointment still to come."""
    return Lead.appointments.any(
        (Appointment.status == AppointmentStatus.BOOKED) & (Appointment.starts_at > now)
    )


def expired_condition(now: datetime):
    """The leads past retention, or None when the clinic keeps them all."""
    condition = past_retention(now)
    return None if condition is None else condition & ~booked_ahead(now)


def kept_condition(now: datetime):
    """Leads past LEAD_RETENTION_DAYS that the purge leaves: still open, or with
    an appointment to come."""
    days = current_app.config["LEAD_RETENTION_DAYS"]
    if days is None:
        return None
    old = Lead.created_at < now - timedelta(days=days)
    waiting = Lead.status.not_in((*FINISHED, LeadStatus.SPAM))
    return old & (waiting | (Lead.status.in_(FINISHED) & booked_ahead(now)))


def past_retention(now: datetime):
    config = current_app.config
    parts = []
    if config["LEAD_RETENTION_DAYS"] is not None:
        cutoff = now - timedelta(days=config["LEAD_RETENTION_DAYS"])
        parts.append(Lead.status.in_(FINISHED) & (Lead.created_at < cutoff))
    if config["SPAM_RETENTION_DAYS"] is not None:
        cutoff = now - timedelta(days=config["SPAM_RETENTION_DAYS"])
        parts.append((Lead.status == LeadStatus.SPAM) & (Lead.created_at < cutoff))
    return or_(*parts) if parts else None


def audit_cutoff(now: datetime) -> datetime | None:
    days = current_app.config["AUDIT_RETENTION_DAYS"]
    return None if days is None else now - timedelta(days=days)


# How far the clock may run ahead of the newest thing the database holds (a lead, an
# email, an activity record) before the purge believes it: a working clinic writes
# something every few days, and a clock restarted a month fast would otherwise
# remove a month of data that is not yet due.
CLOCK_SLACK = timedelta(days=7)


def clock_problem(now: datetime) -> str | None:
    """Say why `now` cannot be trusted with data, or None."""
    newest = max(
        (
            moment
            for moment in (
                db.session.scalar(select(func.max(model.created_at)))
                for model in (Lead, AuditEvent, OutboxEmail)
            )
            if moment is not None
        ),
        default=None,
    )
    if newest is not None and now - newest > CLOCK_SLACK:
        return (
            f"the clock says {now:%Y-%m-%d %H:%M} UTC, but the newest record is from "
            f"{newest:%Y-%m-%d %H:%M}: nothing was removed. If the clock is right "
            "(the site was idle that long), run `flask leads purge` again after "
            "the next request arrives."
        )
    return None


def purge(
    now: datetime | None = None,
    dry_run: bool = False,
    pause: float = PAUSE_SECONDS,
    stop: Event | None = None,
) -> Purge:
    """Remove (or with `dry_run`, list) what is past its retention period, by the
    database's clock, unless that clock disagrees with the data; in small batches
    with a `pause` after each, one purge at a time however many workers run, until
    done or `stop` is set."""
    with only_purge() as alone:
        if not alone:
            return Purge(refused="another purge is running; nothing was done here")
        return _purge(now or database_now(), dry_run, pause, stop or Event())


@contextmanager
def only_purge():
    """True when this process may purge: no other purge runs anywhere on this
    database (a PostgreSQL advisory lock, held on a connection of its own; on
    SQLite a lock on a file beside the database's)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            took = connection.execute(select(func.pg_try_advisory_lock(PURGE_LOCK)))
            alone = took.scalar()
            connection.commit()
            try:
                yield alone
            finally:
                if alone:
                    connection.execute(select(func.pg_advisory_unlock(PURGE_LOCK)))
                    connection.commit()
        return
    path = db.engine.url.database
    if not path or path == ":memory:":
        yield True
        return
    with open(f"{path}.purge-lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


PURGE_LOCK = 0x72657465  # any number the app uses for nothing else: "rete"


def _purge(now: datetime, dry_run: bool, pause: float, stop: Event) -> Purge:
    found = Purge(refused=clock_problem(now))
    if found.refused:
        current_app.logger.error("retention purge refused: %s", found.refused)
        return found
    condition = expired_condition(now)
    if condition is not None:
        rows = db.session.execute(
            select(Lead.id, Lead.status, Lead.created_at)
            .where(condition)
            .order_by(Lead.id)
        ).all()
        found.leads = [tuple(row) for row in rows]
    cutoff = audit_cutoff(now)
    if cutoff is not None:
        found.audit_events = db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.created_at < cutoff)
        )
    kept = kept_condition(now)
    if kept is not None:
        rows = db.session.execute(
            select(Lead.id, Lead.status, Lead.created_at).where(kept).order_by(Lead.id)
        ).all()
        found.kept = [tuple(row) for row in rows]
    if dry_run:
        return found
    config = current_app.config
    removed = []
    for start in range(0, len(found.leads), BATCH):
        if start and stop.wait(pause):
            break  # asked to stop: the rest waits for the next run
        batch = found.leads[start : start + BATCH]
        groups: dict[int, list[Lead]] = {}
        ids = [row[0] for row in batch]
        for lead in db.session.scalars(select(Lead).where(Lead.id.in_(ids))):
            spam = lead.status == LeadStatus.SPAM
            days = config["SPAM_RETENTION_DAYS" if spam else "LEAD_RETENTION_DAYS"]
            groups.setdefault(days, []).append(lead)
        for days, doomed in groups.items():
            why = f"removed after the retention period ({days} days)"
            workflow.delete(doomed[0], doomed[1:], why=why, checkpoint=False)
        removed += batch
    found.leads = removed
    if removed:
        audit.record(AuditAction.PURGE, detail=f"{len(removed)} leads removed")
        db.session.commit()
        workflow.checkpoint_log()  # once, at the end
    if found.kept:
        report_kept(found.kept)
    if found.audit_events and not stop.is_set():
        purge_audit(cutoff, pause, stop)
        audit.record(
            AuditAction.AUDIT_PURGE,
            detail=f"{found.audit_events} records older than "
            f"{current_app.config['AUDIT_RETENTION_DAYS']} days",
        )
        db.session.commit()
    return found


def purge_audit(cutoff: datetime, pause: float, stop: Event) -> None:
    """Delete activity records older than the cutoff, a batch at a time."""
    while not stop.is_set():
        oldest = (
            select(AuditEvent.id)
            .where(AuditEvent.created_at < cutoff)
            .order_by(AuditEvent.id)
            .limit(BATCH * 20)
        )
        gone = db.session.execute(
            delete(AuditEvent).where(AuditEvent.id.in_(oldest))
        ).rowcount
        db.session.commit()
        if gone < BATCH * 20 or stop.wait(pause):
            return


def report_kept(kept: list[tuple[int, LeadStatus, datetime]]) -> None:
    """Tell the clinic which leads are older than the retention period but still
    open, so that someone closes or deletes them (the purge never guesses)."""
    days = current_app.config["LEAD_RETENTION_DAYS"]
    lines = [
        f"#{lead_id} {LeadStatus(status).label}, received {created:%Y-%m-%d}"
        for lead_id, status, created in kept[:50]
    ]
    more = len(kept) - len(lines)
    enqueue_clinic_alert(
        EmailKind.RETENTION_REPORT,
        f"{len(kept)} leads kept past {days} days",
        f"These leads arrived more than {days} days ago but are still open or "
        "have an appointment to come, so the retention purge kept them. Close "
        "(or delete) each one whose work is over:\n\n"
        + "\n".join(lines)
        + (f"\n... and {more} more" if more > 0 else ""),
        "/staff/leads?view=all&sort=received&order=asc",
    )
    db.session.commit()


def daily_purge(stop: Event) -> str:
    """The outbox worker's daily chore: apply the retention periods, in small
    pauses, stopping with the worker."""
    found = purge(stop=stop)
    if found.refused:
        return f"retention: {found.refused}"
    return f"retention: removed {found}"
