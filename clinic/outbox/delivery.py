"""Delivering due outbox emails: claim with a lease, send, record, back off."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update

from clinic.extensions import db
from clinic.models import Lead, OutboxEmail
from clinic.outbox import messages, transport
from clinic.vocabulary import EmailKind, EmailStatus

BATCH = 50


@dataclass
class Report:
    sent: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"{self.sent} sent, {self.failed} failed"


def now_utc() -> datetime:
    return datetime.now(UTC)


def claimable(now: datetime, ignore_backoff: bool, tried: Collection[int] = ()):
    """The condition for a row that no live sender holds, that is due, and that this
    run has not tried yet."""
    condition = (OutboxEmail.status == EmailStatus.PENDING) & or_(
        OutboxEmail.lease_until.is_(None), OutboxEmail.lease_until < now
    )
    if not ignore_backoff:
        condition &= OutboxEmail.next_attempt_at <= now
    if tried:
        condition &= OutboxEmail.id.not_in(tried)
    return condition


def send_due(
    now: datetime | None = None,
    ignore_backoff: bool = False,
    limit: int | None = BATCH,
) -> Report:
    """Deliver the emails that are due now (at most `limit`; None: all of them), each
    claimed before it is sent and tried at most once per run, so ignoring back-off
    never hammers a server that is down.

    Each email's lease starts when that email is claimed: timed from the start of a
    long run, a lease could run out before its email was even sent, and another
    sender would send it too. `now` fixes the clock, for tests.
    """
    report, tried = Report(), set()
    while limit is None or len(tried) < limit:
        moment = now or now_utc()
        email_id = claim_next(moment, ignore_backoff, tried)
        if email_id is None:
            break
        tried.add(email_id)
        if deliver(email_id, moment):
            report.sent += 1
        else:
            report.failed += 1
    return report


def claim_next(
    now: datetime, ignore_backoff: bool = False, tried: Collection[int] = ()
) -> int | None:
    """Take the lease on the oldest due email nobody holds; None when none is left.

    One email at a time, so a lease never has to outlast more than one delivery. On
    PostgreSQL, senders skip rows another sender is claiming (FOR UPDATE SKIP
    LOCKED); SQLite lets one writer in at a time anyway.
    """
    pick = (
        select(OutboxEmail.id)
        .where(claimable(now, ignore_backoff, tried))
        .order_by(OutboxEmail.id)
        .limit(1)
    )
    if db.engine.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    email_id = db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == pick.scalar_subquery())
        .values(lease_until=now + lease, attempts=OutboxEmail.attempts + 1)
        .returning(OutboxEmail.id)
    ).scalar_one_or_none()
    db.session.commit()  # release the lock before the slow part
    return email_id


def deliver(email_id: int, now: datetime) -> bool:
    """Send one claimed email and record the outcome; True when it went.

    Whatever goes wrong with one email is recorded as that email's failure, so a
    bad address or a template error never holds up the emails behind it.
    """
    email = db.session.get(OutboxEmail, email_id)
    kind = email.kind
    if kind == EmailKind.PATIENT_ACK and over_allowance(email, now):
        withhold(email)
        db.session.commit()
        return False
    try:
        message = messages.build(email)
        # End the transaction before talking to SMTP: a slow server must never hold
        # a database lock that patients submitting the form are waiting for.
        db.session.commit()
        where = transport.send(message)
    except transport.DELIVERY_ERRORS as exc:
        record_failure(email, now, exc)
        db.session.commit()
        return False
    except Exception as exc:  # noqa: BLE001 - a bug, but one email's bug alone
        current_app.logger.exception("email %s (%s) could not be sent", email_id, kind)
        db.session.rollback()
        record_failure(db.session.get(OutboxEmail, email_id), now, exc)
        db.session.commit()
        return False
    email.status, email.sent_at, email.lease_until, email.last_error = (
        EmailStatus.SENT,
        now_utc(),
        None,
        None,
    )
    db.session.commit()
    current_app.logger.info("email %s (%s) delivered to %s", email_id, kind, where)
    return True


def over_allowance(email: OutboxEmail, now: datetime) -> bool:
    """Tell whether this address (its mailbox in any mix of capitals) has already
    been sent the day's allowance of acknowledgements, so that the form cannot be
    used to flood someone's mailbox. Checked here, not when the request is stored,
    to keep the query off the patient's request and its write lock."""
    since = now - timedelta(days=1)
    sent = db.session.scalar(
        select(func.count(OutboxEmail.id))
        .join(Lead)
        .where(
            # Acknowledgements go out within hours; two days bound the scan.
            Lead.created_at > since - timedelta(days=1),
            func.lower(Lead.email) == email.lead.email.lower(),
            OutboxEmail.kind == EmailKind.PATIENT_ACK,
            OutboxEmail.status == EmailStatus.SENT,
            OutboxEmail.sent_at > since,
        )
    )
    return sent >= current_app.config["ACKS_PER_ADDRESS"]


def withhold(email: OutboxEmail) -> None:
    allowance = current_app.config["ACKS_PER_ADDRESS"]
    email.status, email.lease_until = EmailStatus.FAILED, None
    email.last_error = (
        f"Not sent: {allowance} acknowledgements already went to this address "
        "in the last 24 hours."
    )
    current_app.logger.warning("email %s withheld: %s", email.id, email.last_error)


def record_failure(email: OutboxEmail, now: datetime, exc: Exception) -> None:
    config = current_app.config
    email.last_error = f"{type(exc).__name__}: {exc}"[:500]
    email.lease_until = None
    if email.attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
        email.status = EmailStatus.FAILED
    else:
        delay = config["OUTBOX_RETRY_BASE_SECONDS"] * 2 ** (email.attempts - 1)
        email.next_attempt_at = now + timedelta(
            seconds=min(delay, config["OUTBOX_RETRY_MAX_SECONDS"])
        )
    current_app.logger.warning(
        "email %s (%s) attempt %s failed: %s", email.id, email.kind, email.attempts, exc
    )
