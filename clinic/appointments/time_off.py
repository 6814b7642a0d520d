"""Time off and clinic closures: when nobody (or one practitioner) can be booked."""

from datetime import date

from sqlalchemy import select

from clinic import audit
from clinic.appointments import availability
from clinic.extensions import db
from clinic.models import StaffUser, TimeOff
from clinic.vocabulary import AuditAction


def upcoming() -> list[TimeOff]:
    """Time off that has not ended yet, the soonest first."""
    today = availability.today()
    return db.session.scalars(
        select(TimeOff).where(TimeOff.last_day >= today).order_by(TimeOff.first_day)
    ).all()


def get_or_404(entry_id: int) -> TimeOff:
    return db.get_or_404(TimeOff, entry_id)


def add(who: StaffUser | None, first_day: date, last_day: date, reason: str) -> bool:
    """Record time off for one practitioner, or the clinic closed (None), with its
    activity record; False when exactly that is already recorded (a second click)."""
    if already_recorded(who, first_day, last_day):
        return False
    db.session.add(
        TimeOff(
            practitioner_id=who.id if who else None,
            first_day=first_day,
            last_day=last_day,
            reason=reason,
        )
    )
    name = who.name if who else "clinic closed"
    audit.record(
        AuditAction.AVAILABILITY, detail=f"{name}: {first_day} to {last_day} added"
    )
    db.session.commit()
    return True


def already_recorded(who: StaffUser | None, first_day: date, last_day: date) -> bool:
    return (
        db.session.scalar(
            select(TimeOff.id).where(
                TimeOff.practitioner_id == who.id
                if who
                else TimeOff.practitioner_id.is_(None),
                TimeOff.first_day == first_day,
                TimeOff.last_day == last_day,
            )
        )
        is not None
    )


def remove(entry: TimeOff) -> None:
    who = entry.practitioner.name if entry.practitioner else "clinic closed"
    audit.record(
        AuditAction.AVAILABILITY,
        detail=f"{who}: {entry.first_day} to {entry.last_day} removed",
    )
    db.session.delete(entry)
    db.session.commit()
