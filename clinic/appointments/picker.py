"""What a time picker shows for a day, and the rule that keeps a booking on it.

Three forms book or move a time: the patient's request, the patient's move and the
staff booking. Each posts the day its picker showed beside the time chosen, and a
time on any other day is refused, so a page whose times are stale (the day changed,
the times not yet reloaded) cannot book the wrong day.
"""

import re
from datetime import date, datetime

from flask import current_app

from clinic.appointments import availability
from clinic.appointments.availability import Slot
from clinic.errors import OUTAGES
from clinic.extensions import db


def times_for(
    day: date | None,
    treatment: str | None,
    alternatives: list[Slot] | None = None,
    chosen: str | None = None,
    *,
    ignore: int | None = None,
    notice: bool = True,
) -> dict:
    """What the time picker shows: that day's free times grouped by part of day
    (after a time was taken, `alternatives`: the free times of one day, which is
    then the day shown), and which one is chosen; `ignore` leaves out the
    appointment being moved, `notice=False` is for staff.

    With the database away the form still shows, offering the call back: a
    patient can still ask, and the page says why there are no times."""
    if alternatives:
        day = alternatives[0].start.date()
    try:
        slots = (
            alternatives
            if alternatives is not None
            else (
                availability.day_slots(day, treatment, ignore=ignore, notice=notice)
                if day
                else []
            )
        )
        anyone = bool(availability.practitioners(treatment))
    except OUTAGES as error:
        db.session.rollback()
        current_app.logger.error("free times not shown: %s", error)
        slots, anyone = [], True
        day, unavailable = None, True
    else:
        unavailable = False
    return {
        "day": day,
        "parts": availability.by_part_of_day(slots),
        "chosen": chosen if any(s.value == chosen for s in slots) else None,
        "minutes": availability.minutes_for(treatment),
        "any_practitioner": anyone,
        "nearest": alternatives is not None,
        "unavailable": unavailable,
    }


def first_free_day(treatment: str | None) -> date | None:
    """The first day with free times, or None (also when the database is away)."""
    try:
        return availability.first_free_day(treatment)
    except OUTAGES:
        db.session.rollback()
        return None


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def read_day(value: str | None) -> date | None:
    """A YYYY-MM-DD date, or None for anything else."""
    if not value or not ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def check_day(start: datetime, shown: date | None) -> None:
    """Refuse a time that is not on the day the picker showed (or no day at all)."""
    if shown is None:
        raise availability.NotBookable("Choose a day, then one of its free times.")
    if start.date() != shown:
        raise availability.NotBookable(
            f"That time is not on {shown:%A, %B %-d}, the day shown. "
            "Please choose one of that day's free times."
        )
