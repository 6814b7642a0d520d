"""Booking, moving, cancelling and closing appointments, each in the caller's
transaction with the emails it owes the patient.

Nothing here checks that a time is free and then writes it: the write itself is the
check (the database refuses overlapping times for one practitioner), so two patients
pressing "Book" at once cannot both get the last time.
"""

import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from clinic import audit
from clinic.appointments import availability
from clinic.appointments.availability import Slot
from clinic.extensions import db
from clinic.models import Appointment, Lead, OutboxEmail
from clinic.outbox.queue import enqueue, enqueue_clinic_alert, withdraw
from clinic.refusals import Clash
from clinic.transactions import committed
from clinic.vocabulary import AppointmentStatus, AuditAction, EmailKind, LeadStatus

OVERLAP = "appointments_no_overlap"


class TimeTaken(Clash):
    """Someone else booked the time first; `alternatives` are the nearest free ones.

    They are looked up when first asked for, which callers do after rolling back:
    on SQLite the failed booking's transaction holds the write lock, and every
    other patient booking at that moment waits for it."""

    def __init__(
        self, start: datetime, treatment: str | None, ignore: int | None = None
    ):
        super().__init__("That time has just been booked by someone else.")
        self.start, self.treatment, self.ignore = start, treatment, ignore
        self._alternatives: list[Slot] | None = None

    @property
    def alternatives(self) -> list[Slot]:
        if self._alternatives is None:
            self._alternatives = availability.nearest(
                self.start, self.treatment, ignore=self.ignore
            )
        return self._alternatives


class TooManyBookings(Clash):
    """The patient's email or phone already holds as many open appointments as
    one may book online."""

    def __init__(self, limit: int):
        super().__init__(
            f"You already have {limit} consultations booked with us. To book "
            "another, please call us, or move one of yours from its email."
        )


class TooLate(Clash):
    """Inside the change cut-off: patients call the clinic instead."""


class Unchangeable(Clash):
    """The appointment is cancelled or over; the message says which."""


# PostgreSQL's deadlock and serialization failures: two patients inserting the same
# practitioner's time at the same instant can each wait on the other's new row in
# the exclusion constraint's index, and the server aborts one of them.
CONTENDED = ("40P01", "40001")


def overlaps(error: IntegrityError) -> bool:
    return OVERLAP in str(error.orig)


def contended(error: OperationalError) -> bool:
    """Lost a race for this time to a patient booking it at that very moment: for
    this patient, the time is taken, not the database down."""
    return getattr(error.orig, "sqlstate", None) in CONTENDED


def candidates(
    start: datetime,
    treatment: str | None,
    *,
    notice: bool,
    ignore: int | None = None,
    prefer: int | None = None,
) -> list[int]:
    """Practitioners free at `start` as far as this transaction can see, the
    preferred one first. Another patient may be booking one of them right now: the
    insert, not this list, decides."""
    slots = availability.day_slots(
        start.date(), treatment, ignore=ignore, notice=notice
    )
    found = next((s.practitioner_ids for s in slots if s.start == start), ())
    return sorted(found, key=lambda pid: pid != prefer)


def hold(
    appointment: Appointment, ids: list[int], start: datetime, minutes: int
) -> bool:
    """Try each practitioner in turn inside a savepoint; True once one holds."""
    for practitioner_id in ids:
        try:
            with db.session.begin_nested():
                appointment.practitioner_id = practitioner_id
                appointment.starts_at = start.astimezone(UTC)
                appointment.ends_at = appointment.starts_at + timedelta(minutes=minutes)
                db.session.add(appointment)
                db.session.flush()
        except IntegrityError as error:
            if not overlaps(error):
                raise
            continue
        except OperationalError as error:
            # Only the savepoint failed: the transaction goes on with the next one.
            if not contended(error):
                raise
            continue
        return True
    return False


def remind(appointment: Appointment) -> None:
    """Owe a reminder before the start, unless that moment has already passed."""
    hours = current_app.config["APPOINTMENT_REMINDER_HOURS"]
    due = appointment.starts_at - timedelta(hours=hours)
    if due > datetime.now(UTC):
        enqueue(EmailKind.REMINDER, appointment.lead_id, appointment.id, due=due)


def check_cap(lead: Lead) -> None:
    """Refuse an online booking once the lead's email, or its phone, holds
    BOOKINGS_PER_PATIENT open future appointments. Called after the lead's insert,
    so that two bookings at once are counted one after the other: on SQLite the
    transaction holds the write lock by then; on PostgreSQL it takes a lock for
    the email and one for the phone until it ends."""
    if db.engine.dialect.name == "postgresql":
        for key in sorted({f"email:{lead.email.lower()}", f"phone:{lead.phone}"}):
            db.session.execute(LOCK_PATIENT, {"key": key})
    limit = current_app.config["BOOKINGS_PER_PATIENT"]
    for same in (
        func.lower(Lead.email) == lead.email.lower(),
        Lead.phone == lead.phone,
    ):
        held = db.session.scalar(
            select(func.count(Appointment.id))
            .join(Lead, Appointment.lead_id == Lead.id)
            .where(
                same,
                Appointment.status == AppointmentStatus.BOOKED,
                Appointment.starts_at > datetime.now(UTC),
            )
        )
        if held >= limit:
            raise TooManyBookings(limit)


LOCK_PATIENT = text("SELECT pg_advisory_xact_lock(hashtext(:key))")


def alert_if_busy() -> None:
    """Owe the clinic one email when online bookings arrive faster than
    BOOKING_ALERT_COUNT in BOOKING_ALERT_MINUTES (someone filling the calendar),
    at most one per period."""
    config = current_app.config
    minutes = config["BOOKING_ALERT_MINUTES"]
    since = datetime.now(UTC) - timedelta(minutes=minutes)
    recent = db.session.scalar(
        select(func.count(Appointment.id)).where(
            Appointment.online, Appointment.created_at >= since
        )
    )
    if recent < config["BOOKING_ALERT_COUNT"] or busy_alert_since(since):
        return
    enqueue_clinic_alert(
        EmailKind.BOOKING_ALERT,
        f"Online bookings: {recent} in {minutes} minutes",
        f"{recent} consultations were booked online in the last {minutes} minutes, "
        "more than usual. If many share a name, an email or a phone, someone may "
        "be filling the calendar: check the calendar, and cancel from each lead "
        "what is not real.",
        "/staff/calendar",
    )


def busy_alert_since(since: datetime) -> OutboxEmail | None:
    """The clinic's alert about busy online booking made since then, if any."""
    return db.session.scalar(
        select(OutboxEmail)
        .where(
            OutboxEmail.kind == EmailKind.BOOKING_ALERT,
            OutboxEmail.created_at >= since,
        )
        .order_by(OutboxEmail.id.desc())
        .limit(1)
    )


def book(
    lead: Lead,
    start: datetime,
    *,
    notice: bool = True,
    practitioner_id: int | None = None,
    online: bool = False,
) -> Appointment:
    """Book `start` (the clinic's wall clock) for a stored lead and owe the
    confirmation and reminder; the caller commits. Refuses a time never offered
    (NotBookable) and one taken meanwhile (TimeTaken); `online` (the patient on
    the site) also refuses one past the patient's cap (TooManyBookings)."""
    treatment = lead.treatment
    availability.check_offered(start, treatment, notice=notice)
    if online:
        check_cap(lead)
    ids = candidates(start, treatment, notice=notice, prefer=practitioner_id)
    if practitioner_id is not None:
        ids = [i for i in ids if i == practitioner_id]
    appointment = Appointment(
        public_id=secrets.token_hex(16), lead_id=lead.id, online=online
    )
    if not hold(appointment, ids, start, availability.minutes_for(treatment)):
        if appointment in db.session:
            db.session.expunge(appointment)
        raise TimeTaken(start, treatment)
    lead.status = LeadStatus.SCHEDULED
    enqueue(EmailKind.CONFIRMATION, lead.id, appointment.id)
    remind(appointment)
    if online:
        alert_if_busy()
    return appointment


def lock(appointment: Appointment) -> None:
    """Hold the appointment's row until the caller's transaction ends, and read it
    afresh: a cancel and a move (or two cancels) at the same moment then happen one
    after the other, the second seeing what the first did. PostgreSQL takes the row
    lock (SELECT ... FOR UPDATE); on SQLite every writing request already holds the
    database's write lock from its first statement (BEGIN IMMEDIATE)."""
    db.session.refresh(appointment, with_for_update=True)


def change_allowed(appointment: Appointment, by_patient: bool) -> None:
    if appointment.status == AppointmentStatus.CANCELLED:
        raise Unchangeable("This appointment has been cancelled.")
    if appointment.status != AppointmentStatus.BOOKED:
        raise Unchangeable("This appointment is over.")
    if appointment.starts_at <= datetime.now(UTC):
        raise Unchangeable("This appointment has already started.")
    if by_patient and not can_change_online(appointment):
        raise TooLate(
            "It is too close to the appointment to change it online. Please call us."
        )


def can_change_online(appointment: Appointment) -> bool:
    cutoff = timedelta(hours=current_app.config["APPOINTMENT_CHANGE_CUTOFF_HOURS"])
    return (
        appointment.status == AppointmentStatus.BOOKED
        and datetime.now(UTC) < appointment.starts_at - cutoff
    )


@committed
def reschedule(
    appointment: Appointment,
    start: datetime,
    *,
    by_patient: bool,
    practitioner_id: int | None = None,
) -> bool:
    """Move an appointment, keeping its practitioner when they are free; False
    when it is already at that time (a second click)."""
    lock(appointment)
    change_allowed(appointment, by_patient)
    lead = appointment.lead
    if appointment.starts_at == start.astimezone(UTC) and practitioner_id in (
        None,
        appointment.practitioner_id,
    ):
        return False
    availability.check_offered(start, lead.treatment, notice=by_patient)
    ids = candidates(
        start,
        lead.treatment,
        notice=by_patient,
        ignore=appointment.id,
        prefer=practitioner_id or appointment.practitioner_id,
    )
    if practitioner_id is not None:
        ids = [i for i in ids if i == practitioner_id]
    before = appointment.starts_at
    if not hold(appointment, ids, start, availability.minutes_for(lead.treatment)):
        db.session.refresh(appointment)
        raise TimeTaken(start, lead.treatment, ignore=appointment.id)
    appointment.sequence += 1
    appointment.updated_at = datetime.now(UTC)
    withdraw(appointment.id, EmailKind.REMINDER)
    enqueue(EmailKind.UPDATE, lead.id, appointment.id)
    remind(appointment)
    audit.record(
        AuditAction.APPOINTMENT,
        lead.id,
        f"moved {before:%Y-%m-%d %H:%M} → {appointment.starts_at:%Y-%m-%d %H:%M} UTC"
        + (" by the patient" if by_patient else ""),
    )
    return True


@committed
def cancel(appointment: Appointment, *, by_patient: bool) -> None:
    """Cancel, tell the patient's calendar, and stop the reminder."""
    lock(appointment)
    change_allowed(appointment, by_patient)
    appointment.status = AppointmentStatus.CANCELLED
    appointment.sequence += 1
    appointment.updated_at = datetime.now(UTC)
    appointment.lead.status = LeadStatus.CANCELLED
    withdraw(appointment.id, EmailKind.REMINDER)
    enqueue(EmailKind.CANCELLATION, appointment.lead_id, appointment.id)
    audit.record(
        AuditAction.APPOINTMENT,
        appointment.lead_id,
        "cancelled" + (" by the patient" if by_patient else ""),
    )


OUTCOMES = {
    AppointmentStatus.ATTENDED: LeadStatus.COMPLETED,
    AppointmentStatus.NO_SHOW: LeadStatus.NO_SHOW,
}


@committed
def close(appointment: Appointment, outcome: AppointmentStatus) -> None:
    """Record that the patient came or did not, once the time has begun."""
    if outcome not in OUTCOMES:
        raise Unchangeable("Choose attended or no-show.")
    lock(appointment)
    if appointment.status == outcome:
        return
    if appointment.status == AppointmentStatus.CANCELLED:
        raise Unchangeable("This appointment has been cancelled.")
    if appointment.starts_at > datetime.now(UTC):
        raise Unchangeable("The appointment has not started yet.")
    appointment.status = outcome
    appointment.updated_at = datetime.now(UTC)
    appointment.lead.status = OUTCOMES[outcome]
    audit.record(
        AuditAction.APPOINTMENT, appointment.lead_id, f"marked {outcome.label}"
    )


@committed
def book_from_desk(
    lead: Lead, start: datetime, practitioner_id: int | None
) -> Appointment:
    """Book a time for a lead as the front desk (no online notice needed); a
    booking is a first contact if none came before."""
    appointment = book(lead, start, notice=False, practitioner_id=practitioner_id)
    if lead.first_contacted_at is None:
        lead.first_contacted_at = datetime.now(UTC)
    db.session.flush()
    audit.record(
        AuditAction.APPOINTMENT,
        lead.id,
        f"booked {appointment.starts_at:%Y-%m-%d %H:%M} UTC",
    )
    return appointment
