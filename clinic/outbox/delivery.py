"""Delivering due outbox emails: claim with a lease, send, record, back off."""

import itertools
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from threading import Event

from flask import current_app
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from clinic.clock import database_now, utcnow
from clinic.extensions import db
from clinic.models import Lead, OutboxEmail
from clinic.outbox import claimants, messages, transport
from clinic.vocabulary import AppointmentStatus, EmailKind, EmailStatus

BATCH = 50
# Waits between attempts to record a sent email while the database is away.
RECORD_RETRY_SECONDS = (0.1, 0.5, 1, 2, 5)


class Outcome(Enum):
    SENT = "sent"
    FAILED = "failed"
    SERVER_UNAVAILABLE = "server unavailable"
    WITHDRAWN = "withdrawn"  # no longer owed when its turn came


@dataclass
class Report:
    sent: int = 0
    failed: int = 0
    # The run ended because the mail server is away, with due emails left behind.
    server_unavailable: bool = False
    # The run stopped at its limit, not for want of due emails: more are waiting.
    more: bool = False

    def __str__(self) -> str:
        text = f"{self.sent} sent, {self.failed} failed"
        if self.server_unavailable:
            text += "; the mail server is unavailable"
        return text


def claimable(
    now: datetime,
    ignore_backoff: bool,
    tried: Collection[int] = (),
    dead: Collection[str] = (),
):
    """The condition for a row that no live sender holds (its lease has run out, or
    its holder is one of the `dead`), that is due, and that this run has not tried
    yet."""
    free = or_(OutboxEmail.lease_until.is_(None), OutboxEmail.lease_until < now)
    if dead:
        free |= OutboxEmail.claimed_by.in_(dead)
    condition = (OutboxEmail.status == EmailStatus.PENDING) & free
    due = OutboxEmail.next_attempt_at <= now
    if ignore_backoff:
        # Only back-off is skipped: an email never tried (a reminder) waits for
        # its time whatever the hurry.
        due |= OutboxEmail.attempts > 0
    condition &= due
    if tried:
        condition &= OutboxEmail.id.not_in(tried)
    return condition


def send_due(
    now: datetime | None = None,
    ignore_backoff: bool = False,
    limit: int | None = BATCH,
    stop: Event | None = None,
) -> Report:
    """Deliver the emails that are due now (at most `limit`; None: all of them), each
    claimed before it is sent and tried at most once per run, so ignoring back-off
    never hammers a server that is down, over one SMTP connection. The run ends
    early when the mail server is unavailable, or when `stop` is set.

    Each email's lease starts when that email is claimed: timed from the start of a
    long run, a lease could run out before its email was even sent, and another
    sender would send it too. `now` fixes the clock, for tests.
    """
    report, tried = Report(), set()
    dead = dead_holders(now or database_now())  # their claims are free at once
    with transport.Courier() as courier:
        while not (stop and stop.is_set()):
            if limit is not None and len(tried) >= limit:
                report.more = True
                break
            # The database's clock: a sender whose own runs fast must not take an
            # email another still holds, nor send a reminder early.
            moment = now or database_now()
            email_id = claim_next(moment, ignore_backoff, tried, dead)
            if email_id is None:
                break
            tried.add(email_id)
            outcome = deliver(email_id, moment, courier)
            if outcome is Outcome.SENT:
                # Recorded at once: a sender killed now can send again only what
                # the mail server has just taken, never what it had long before.
                record_sent(email_id)
                report.sent += 1
            elif outcome is Outcome.FAILED:
                report.failed += 1
            elif outcome is Outcome.SERVER_UNAVAILABLE:
                report.failed += 1
                report.server_unavailable = True
                break
    return report


def dead_holders(now: datetime) -> list[str]:
    """The senders of this machine that hold a live lease but no longer run."""
    holders = db.session.scalars(
        select(OutboxEmail.claimed_by)
        .where(
            OutboxEmail.status == EmailStatus.PENDING,
            OutboxEmail.lease_until >= now,
            OutboxEmail.claimed_by.is_not(None),
        )
        .distinct()
    ).all()
    return [holder for holder in holders if claimants.gone(holder)]


def claim_next(
    now: datetime,
    ignore_backoff: bool = False,
    tried: Collection[int] = (),
    dead: Collection[str] = (),
) -> int | None:
    """Take the lease on the oldest due email nobody holds; None when none is left.

    One email at a time, so a lease never has to outlast more than one delivery. On
    PostgreSQL, senders skip rows another sender is claiming (FOR UPDATE SKIP
    LOCKED); SQLite lets one writer in at a time anyway.
    """
    pick = (
        select(OutboxEmail.id)
        .where(claimable(now, ignore_backoff, tried, dead))
        .order_by(OutboxEmail.id)
        .limit(1)
    )
    if db.engine.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    email_id = db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == pick.scalar_subquery())
        .values(
            lease_until=now + lease,
            attempts=OutboxEmail.attempts + 1,
            claimed_by=claimants.me(),
        )
        .returning(OutboxEmail.id)
    ).scalar_one_or_none()
    db.session.commit()  # release the lock before the slow part
    return email_id


def deliver(email_id: int, now: datetime, courier: transport.Courier) -> Outcome:
    """Send one claimed email and record the outcome.

    Whatever goes wrong with one email is recorded as that email's failure, so a
    bad address or a template error never holds up the emails behind it.
    """
    email = db.session.get(OutboxEmail, email_id)
    kind = email.kind
    if kind in ALLOWANCE_KINDS and over_allowance(email, now):
        withhold(email)
        db.session.commit()
        return Outcome.FAILED
    if no_longer_owed(email):
        email.status, email.lease_until = EmailStatus.WITHDRAWN, None
        db.session.commit()
        current_app.logger.info("email %s (%s) no longer owed", email_id, kind)
        return Outcome.WITHDRAWN
    try:
        message = messages.build(email)
        # End the transaction before talking to SMTP: a slow server must never hold
        # a database lock that patients submitting the form are waiting for.
        db.session.commit()
        where = courier.send(message)
    except transport.ServerUnavailable as exc:
        release(email, exc)
        db.session.commit()
        return Outcome.SERVER_UNAVAILABLE
    except transport.DELIVERY_ERRORS as exc:
        record_failure(email, now, exc)
        db.session.commit()
        return Outcome.FAILED
    except Exception as exc:  # noqa: BLE001 - a bug, but one email's bug alone
        current_app.logger.exception("email %s (%s) could not be sent", email_id, kind)
        db.session.rollback()
        record_failure(db.session.get(OutboxEmail, email_id), now, exc)
        db.session.commit()
        return Outcome.FAILED
    current_app.logger.info("email %s (%s) delivered to %s", email_id, kind, where)
    return Outcome.SENT  # the caller records it


# What an appointment cancelled since it was queued makes moot: the cancellation
# itself (queued behind them) is what the patient needs.
MOOT_WHEN_CANCELLED = (EmailKind.REMINDER, EmailKind.UPDATE, EmailKind.CONFIRMATION)


def no_longer_owed(email: OutboxEmail) -> bool:
    """Read afresh just before the email goes: withdrawn since it was claimed (a
    reminder of an appointment moved or cancelled meanwhile), or about an
    appointment cancelled since. A cancellation always wins over a sender that had
    already claimed the reminder."""
    db.session.refresh(email, ["status"])
    if email.status != EmailStatus.PENDING:
        return True
    if email.appointment is None or email.kind not in MOOT_WHEN_CANCELLED:
        return False
    db.session.refresh(email.appointment, ["status"])
    return email.appointment.status == AppointmentStatus.CANCELLED


def mark_sent(email_id: int):
    return (
        update(OutboxEmail)
        .where(OutboxEmail.id == email_id)
        .values(
            status=EmailStatus.SENT,
            sent_at=utcnow(),
            lease_until=None,
            last_error=None,
        )
    )


def record_sent(email_id: int) -> None:
    """Mark an email sent, trying until the database takes it: given up, the record
    would leave the email to be sent again once its lease ran out. Not even a
    signal stops this; the lease outlasts any outage the database comes back from."""
    for attempt in itertools.count():
        try:
            db.session.execute(mark_sent(email_id))
            db.session.commit()
            return
        except SQLAlchemyError as error:
            delay = RECORD_RETRY_SECONDS[min(attempt, len(RECORD_RETRY_SECONDS) - 1)]
            current_app.logger.warning(
                "email %s was sent but could not be recorded yet (%s); "
                "trying again in %s s",
                email_id,
                type(error).__name__,
                delay,
            )
            db.session.rollback()
            time.sleep(delay)


# What anyone can make the site send to any address by typing it in the form.
ALLOWANCE_KINDS = (EmailKind.PATIENT_ACK, EmailKind.CONFIRMATION)


def over_allowance(email: OutboxEmail, now: datetime) -> bool:
    """Tell whether this address (its mailbox in any mix of capitals) has already
    been sent the day's allowance of acknowledgements and booking confirmations,
    so that the form cannot be used to flood someone's mailbox. Checked here, not
    when the request is stored, to keep the query off the patient's request and
    its write lock."""
    since = now - timedelta(days=1)
    sent = db.session.scalar(
        select(func.count(OutboxEmail.id))
        .join(Lead)
        .where(
            # Acknowledgements go out within hours; two days bound the scan.
            Lead.created_at > since - timedelta(days=1),
            func.lower(Lead.email) == email.lead.email.lower(),
            OutboxEmail.kind.in_(ALLOWANCE_KINDS),
            OutboxEmail.status == EmailStatus.SENT,
            OutboxEmail.sent_at > since,
        )
    )
    return sent >= current_app.config["ACKS_PER_ADDRESS"]


def withhold(email: OutboxEmail) -> None:
    allowance = current_app.config["ACKS_PER_ADDRESS"]
    email.status, email.lease_until = EmailStatus.FAILED, None
    email.last_error = (
        f"Not sent: {allowance} acknowledgements or confirmations already went to "
        "this address in the last 24 hours."
    )
    current_app.logger.warning("email %s withheld: %s", email.id, email.last_error)


def release(email: OutboxEmail, exc: Exception) -> None:
    """Give back an email the mail server was away for: no fault of its own, so no
    attempt counted and no back-off of its own (the sender waits for the server
    instead), or after a long outage it would go out long after the emails
    queued behind it. What went wrong stays on it for staff to see."""
    email.last_error = f"{type(exc).__name__}: {exc}"[:500]
    email.lease_until = None
    email.attempts -= 1
    current_app.logger.warning("email %s waits for the mail server: %s", email.id, exc)


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
