"""What the staff calendar and a practitioner's calendar feed show: booked
appointments between two moments, and the feed's secret address."""

import secrets
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from clinic import audit, clock
from clinic.extensions import db
from clinic.models import Appointment, StaffUser
from clinic.transactions import committed
from clinic.vocabulary import AppointmentStatus, AuditAction

FEED_PAST_DAYS, FEED_FUTURE_DAYS = 31, 366


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=clock.zone())


def practitioners() -> list[StaffUser]:
    """Every practitioner, active or not (their past appointments still show)."""
    return db.session.scalars(
        select(StaffUser).where(StaffUser.is_practitioner).order_by(StaffUser.id)
    ).all()


def booked(first: date, days: int, practitioner_id: int | None) -> list[Appointment]:
    """Appointments not cancelled on `days` days from `first` (the clinic's days),
    for one practitioner or all, in the order of the day."""
    query = (
        select(Appointment)
        .options(joinedload(Appointment.lead), joinedload(Appointment.practitioner))
        .where(
            Appointment.status != AppointmentStatus.CANCELLED,
            Appointment.starts_at >= local_midnight(first),
            Appointment.starts_at < local_midnight(first + timedelta(days=days)),
        )
        .order_by(Appointment.starts_at, Appointment.practitioner_id)
    )
    if practitioner_id is not None:
        query = query.where(Appointment.practitioner_id == practitioner_id)
    return db.session.scalars(query).all()


@committed
def set_feed_key(user_id: int, revoke: bool) -> None:
    """Make (or replace) a practitioner's feed address, or revoke it."""
    user = db.session.get(StaffUser, user_id)
    user.calendar_key = None if revoke else secrets.token_urlsafe(32)
    audit.record(
        AuditAction.STAFF,
        detail=f"{user.email} calendar feed {'revoked' if revoke else 'issued'}",
    )


def feed_owner(key: str) -> StaffUser | None:
    """The active practitioner whose feed address this is."""
    person = db.session.scalar(
        select(StaffUser).where(StaffUser.calendar_key == key, StaffUser.active)
    )
    return person if person is not None and person.is_practitioner else None


def feed_appointments(person: StaffUser) -> list[Appointment]:
    """A practitioner's appointments from a month ago to a year ahead."""
    now = datetime.now(UTC)
    return db.session.scalars(
        select(Appointment)
        .options(joinedload(Appointment.lead))
        .where(
            Appointment.practitioner_id == person.id,
            Appointment.status != AppointmentStatus.CANCELLED,
            Appointment.starts_at >= now - timedelta(days=FEED_PAST_DAYS),
            Appointment.starts_at < now + timedelta(days=FEED_FUTURE_DAYS),
        )
        .order_by(Appointment.starts_at)
    ).all()
