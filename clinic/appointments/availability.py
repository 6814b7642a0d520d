"""When a consultation can start: computed from hours, time off, closures, booked
appointments, notice and range each time it is asked, never stored as slots.

Every time is the clinic's wall clock (CLINIC_TIMEZONE) until it is stored: a day's
grid steps through local times, and a local time that a daylight-saving change
skips does not exist, so it is never offered.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from clinic import identity
from clinic.clock import utcnow, zone
from clinic.extensions import db
from clinic.identity import DAYS
from clinic.models import Appointment, StaffUser, TimeOff
from clinic.refusals import Refusal
from clinic.treatments import catalog
from clinic.vocabulary import AppointmentStatus, PreferredTime


class NotBookable(Refusal, ValueError):
    """A time the clinic could never honour, in words for the patient."""


@dataclass(frozen=True)
class Slot:
    """A start time, and who could see the patient then."""

    start: datetime  # aware, in the clinic's time zone
    end: datetime
    practitioner_ids: tuple[int, ...]

    @property
    def label(self) -> str:
        return f"{self.start:%H:%M}"

    @property
    def value(self) -> str:
        return f"{self.start:%Y-%m-%dT%H:%M}"

    @property
    def part_of_day(self) -> str:
        return part_of_day(self.start.time())


def part_of_day(moment: time) -> str:
    if moment.hour < 12:
        return PreferredTime.MORNING
    return PreferredTime.AFTERNOON if moment.hour < 17 else PreferredTime.EVENING


def today() -> date:
    return utcnow().astimezone(zone()).date()


def bookable_range() -> tuple[date, date]:
    """The first and last days a patient may ask for, in the clinic's time zone."""
    first = today()
    return first, first + timedelta(days=current_app.config["BOOKING_MAX_DAYS_AHEAD"])


def minutes_for(treatment: str | None) -> int:
    found = catalog.get(treatment)
    if found and found.consultation_minutes:
        return found.consultation_minutes
    return current_app.config["APPOINTMENT_MINUTES"]


def parse_local(value: str) -> datetime:
    """Read `YYYY-MM-DDTHH:MM` as the clinic's wall clock, refusing a day outside
    the bookable range before anything converts it (the last minutes of year 9999
    in California are past the end of time in UTC)."""
    try:
        naive = datetime.strptime(value or "", "%Y-%m-%dT%H:%M")
    except ValueError:
        raise NotBookable(
            "Choose one of the times listed, or ask us to call you."
        ) from None
    first, last = bookable_range()
    if naive.date() < first:
        raise NotBookable("That time has passed. Please choose another.")
    if naive.date() > last:
        raise NotBookable(
            f"We book up to {last:%B %-d, %Y}. Please choose an earlier day."
        )
    return naive.replace(tzinfo=zone())


def exists(moment: datetime) -> bool:
    """False for a wall-clock time that a spring-forward change skips."""
    there_and_back = moment.astimezone(UTC).astimezone(moment.tzinfo)
    return there_and_back.replace(tzinfo=None) == moment.replace(tzinfo=None)


def parse_weekly_hours(text: str | None) -> dict[int, tuple[time, time]]:
    """Read "Mo 09:00-13:00, We 12:00-18:00" (a practitioner's own hours)."""
    hours = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        day, _, span = part.strip().partition(" ")
        opens, _, closes = span.strip().partition("-")
        try:
            if day not in DAYS:
                raise ValueError
            start, end = time.fromisoformat(opens), time.fromisoformat(closes)
        except ValueError:
            raise ValueError(
                f"{part.strip()!r} is not like 'Mo 09:00-13:00'; days are "
                f"{', '.join(DAYS)}"
            ) from None
        if end <= start:
            raise ValueError(f"{part.strip()!r} ends before it starts")
        hours[list(DAYS).index(day)] = (start, end)
    return hours


def format_weekly_hours(hours: dict[int, tuple[time, time]]) -> str:
    days = list(DAYS)
    return ", ".join(
        f"{days[d]} {start:%H:%M}-{end:%H:%M}"
        for d, (start, end) in sorted(hours.items())
    )


def clinic_hours(day: date) -> tuple[time, time] | None:
    opening = identity.current().hours[day.weekday()]
    return None if opening.opens is None else (opening.opens, opening.closes)


def working_hours(person: StaffUser, day: date) -> tuple[time, time] | None:
    """A practitioner's hours that day, never outside the clinic's own."""
    clinic = clinic_hours(day)
    if clinic is None:
        return None
    if not person.working_hours:
        return clinic
    own = parse_weekly_hours(person.working_hours).get(day.weekday())
    if own is None:
        return None
    start, end = max(own[0], clinic[0]), min(own[1], clinic[1])
    return (start, end) if start < end else None


def practitioners(treatment: str | None = None) -> list[StaffUser]:
    """Active practitioners who offer the treatment, in a stable order."""
    people = db.session.scalars(
        select(StaffUser)
        .where(StaffUser.is_practitioner, StaffUser.active)
        .order_by(StaffUser.id)
    ).all()
    return [p for p in people if p.offers(treatment)]


def away(day: date) -> tuple[bool, set[int]]:
    """Whether the clinic is closed that day, and who is away."""
    rows = db.session.execute(
        select(TimeOff.practitioner_id).where(
            TimeOff.first_day <= day, TimeOff.last_day >= day
        )
    ).scalars()
    ids = set(rows)
    return None in ids, {i for i in ids if i is not None}


def busy(ids: list[int], start: datetime, end: datetime, ignore: int | None):
    """Times already held by these practitioners between start and end (UTC)."""
    query = select(
        Appointment.practitioner_id, Appointment.starts_at, Appointment.ends_at
    ).where(
        Appointment.practitioner_id.in_(ids),
        Appointment.status != AppointmentStatus.CANCELLED,
        Appointment.starts_at < end,
        Appointment.ends_at > start,
    )
    if ignore is not None:
        query = query.where(Appointment.id != ignore)
    held: dict[int, list[tuple[datetime, datetime]]] = {}
    for who, starts, ends in db.session.execute(query):
        held.setdefault(who, []).append((starts, ends))
    return held


def grid(day: date, opens: time, closes: time, minutes: int) -> list[datetime]:
    """Start times from opening, every step, for appointments that end by closing."""
    tz, step = zone(), timedelta(minutes=current_app.config["APPOINTMENT_STEP_MINUTES"])
    length = timedelta(minutes=minutes)
    closing = datetime.combine(day, closes, tzinfo=tz)
    starts = []
    wall = datetime.combine(day, opens)
    while wall.date() == day:
        start = wall.replace(tzinfo=tz)
        if exists(start):
            # Added in UTC: across a change, a 30-minute visit still lasts 30 minutes.
            end = (start.astimezone(UTC) + length).astimezone(tz)
            if end > closing:
                break
            starts.append(start)
        wall += step
    return starts


def day_slots(
    day: date,
    treatment: str | None = None,
    *,
    now: datetime | None = None,
    ignore: int | None = None,
    booked: bool = True,
    only: int | None = None,
    notice: bool = True,
) -> list[Slot]:
    """Every start time on a day at which some practitioner is free for a whole
    consultation. `ignore` leaves out one appointment (the one being moved);
    `booked=False` asks which times the clinic offers at all; `only` keeps one
    practitioner; `notice=False` lets staff book sooner than patients may."""
    now = now or utcnow()
    first, last = bookable_range()
    hours = clinic_hours(day)
    if day < first or day > last or hours is None:
        return []
    closed, away_ids = away(day)
    if closed:
        return []
    people = [p for p in practitioners(treatment) if p.id not in away_ids]
    if only is not None:
        people = [p for p in people if p.id == only]
    if not people:
        return []
    minutes = minutes_for(treatment)
    length = timedelta(minutes=minutes)
    notice_hours = current_app.config["BOOKING_MIN_NOTICE_HOURS"] if notice else 0
    earliest = now + timedelta(hours=notice_hours)
    tz = zone()
    day_start = datetime.combine(day, time(0), tzinfo=tz)
    held = (
        busy(
            [p.id for p in people],
            day_start,
            day_start + timedelta(days=1, hours=2),
            ignore,
        )
        if booked
        else {}
    )
    free: dict[datetime, list[int]] = {}
    for person in people:
        span = working_hours(person, day)
        if span is None:
            continue
        for start in grid(day, *span, minutes):
            begins = start.astimezone(UTC)
            if begins < earliest:
                continue
            ends = begins + length
            if any(s < ends and begins < e for s, e in held.get(person.id, ())):
                continue
            free.setdefault(start, []).append(person.id)
    return [
        Slot(start, (start.astimezone(UTC) + length).astimezone(tz), tuple(ids))
        for start, ids in sorted(free.items(), key=lambda item: item[0].astimezone(UTC))
    ]


def check_offered(
    start: datetime,
    treatment: str | None,
    *,
    notice: bool = True,
    now: datetime | None = None,
) -> None:
    """Refuse, with the reason, a time the clinic never offers: in the past, too
    soon, too far ahead, on a closed day or off the grid."""
    now = now or utcnow()
    first, last = bookable_range()
    if start.astimezone(UTC) <= now:
        raise NotBookable("That time has passed. Please choose another.")
    hours = current_app.config["BOOKING_MIN_NOTICE_HOURS"]
    if notice and start.astimezone(UTC) < now + timedelta(hours=hours):
        raise NotBookable(
            f"We need {hours} hours' notice to book online. Please choose a later "
            "time, or call us."
        )
    if start.date() > last:
        raise NotBookable(
            f"We book up to {last:%B %-d, %Y}. Please choose an earlier day."
        )
    if clinic_hours(start.date()) is None or away(start.date())[0]:
        raise NotBookable(
            f"We are closed on {start:%A, %B %-d}. Please choose another day."
        )
    if not exists(start):
        raise NotBookable("That time does not exist on that day (the clocks change).")
    offered = day_slots(start.date(), treatment, now=now, booked=False, notice=notice)
    if not any(slot.start == start for slot in offered):
        raise NotBookable(
            "We do not start consultations at that time. Please choose one of the "
            "times listed."
        )


def nearest(
    start: datetime, treatment: str | None, ignore: int | None = None
) -> list[Slot]:
    """After a time was taken: the free times left on that day, or those of the
    next day that has any (within two weeks). One day, so that the picker shows
    one day and posts it with the time chosen."""
    for offset in range(15):
        found = day_slots(
            start.date() + timedelta(days=offset), treatment, ignore=ignore
        )
        if found:
            return found
    return []


def by_part_of_day(slots: list[Slot]) -> list[tuple[str, str, list[Slot]]]:
    """Slots grouped as morning, afternoon and evening, leaving out empty parts."""
    return [
        (part, part.label, [s for s in slots if s.part_of_day == part])
        for part in PreferredTime
        if any(s.part_of_day == part for s in slots)
    ]


def first_free_day(treatment: str | None, within: int = 21) -> date | None:
    """The first day with a free time, to show a patient times at once."""
    if not practitioners(treatment):
        return None
    first, _ = bookable_range()
    for offset in range(within):
        day = first + timedelta(days=offset)
        if day_slots(day, treatment):
            return day
    return None
