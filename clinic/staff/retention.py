"""Keeping personal data no longer than the clinic needs it: the leads whose work
is over (closed, cancelled) after LEAD_RETENTION_DAYS, spam after
SPAM_RETENTION_DAYS, removed as an admin's deletion removes them; and activity
records after AUDIT_RETENTION_DAYS."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select

from clinic.extensions import db
from clinic.models import AuditEvent, Lead
from clinic.staff import audit, workflow
from clinic.vocabulary import AuditAction, LeadStatus

FINISHED = (LeadStatus.CLOSED, LeadStatus.CANCELLED)
BATCH = 200  # leads per transaction: a long purge never holds the write lock long


@dataclass
class Purge:
    leads: list[tuple[int, LeadStatus, datetime]] = field(default_factory=list)
    audit_events: int = 0

    def __str__(self) -> str:
        return (
            f"{len(self.leads)} leads past their retention period, "
            f"{self.audit_events} activity records past theirs"
        )


def expired_condition(now: datetime):
    """The leads past retention, or None when the clinic keeps them all."""
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


def purge(now: datetime | None = None, dry_run: bool = False) -> Purge:
    """Remove (or with `dry_run`, list) what is past its retention period."""
    now = now or datetime.now(UTC)
    found = Purge()
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
    if dry_run:
        return found
    config = current_app.config
    for start in range(0, len(found.leads), BATCH):
        ids = [row[0] for row in found.leads[start : start + BATCH]]
        groups: dict[int, list[Lead]] = {}
        for lead in db.session.scalars(select(Lead).where(Lead.id.in_(ids))):
            spam = lead.status == LeadStatus.SPAM
            days = config["SPAM_RETENTION_DAYS" if spam else "LEAD_RETENTION_DAYS"]
            groups.setdefault(days, []).append(lead)
        for days, doomed in groups.items():
            why = f"removed after the retention period ({days} days)"
            workflow.delete(doomed[0], doomed[1:], why=why)
    if found.leads:
        audit.record(AuditAction.PURGE, detail=f"{len(found.leads)} leads removed")
        db.session.commit()
    if found.audit_events:
        db.session.execute(delete(AuditEvent).where(AuditEvent.created_at < cutoff))
        audit.record(
            AuditAction.AUDIT_PURGE,
            detail=f"{found.audit_events} records older than "
            f"{current_app.config['AUDIT_RETENTION_DAYS']} days",
        )
        db.session.commit()
    return found
