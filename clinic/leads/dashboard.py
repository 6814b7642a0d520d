"""The figures at the top of the lead list: where leads came from, week by week, and
how quickly the clinic got back to them. `chart` lays them out; `display` words them."""

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from clinic.extensions import db
from clinic.leads.queries import local_day_start
from clinic.models import Appointment, Lead, source_of
from clinic.vocabulary import AppointmentStatus, LeadSource, LeadStatus

WEEKS = 12


@dataclass(frozen=True)
class Week:
    start: date
    counts: dict[LeadSource, int]
    days_so_far: int = 7  # of this week, the one still under way
    current: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def partial(self) -> bool:
        return self.current


@dataclass(frozen=True)
class Dashboard:
    weeks: list[Week]
    median_first_contact: timedelta | None
    contacted: int
    booked: int = 0  # leads with a time booked (by the patient or by staff)
    requested: int = 0  # leads that asked to be called and have no time yet
    no_shows: int = 0
    attended: int = 0

    @property
    def no_show_rate(self) -> float | None:
        """Of the appointments whose outcome was recorded, the share missed."""
        closed = self.no_shows + self.attended
        return self.no_shows / closed if closed else None

    @property
    def total(self) -> int:
        return sum(week.total for week in self.weeks)

    def source_totals(self) -> dict[LeadSource, int]:
        return {s: sum(w.counts[s] for w in self.weeks) for s in LeadSource}


def week_starts(today: date) -> list[date]:
    """The Mondays of the last twelve weeks, this week last."""
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]


def current() -> Dashboard:
    """The dashboard, reused for STAFF_DASHBOARD_SECONDS: reading twelve weeks of
    leads is most of the list's cost at tens of thousands of leads, and the figures
    do not need to be fresher than a minute (the queue itself always is)."""
    seconds = current_app.config["STAFF_DASHBOARD_SECONDS"]
    now = time.time()
    kept = current_app.extensions.get("staff_dashboard")
    if kept and seconds and now - kept[0] < seconds:
        return kept[1]
    board = build()
    current_app.extensions["staff_dashboard"] = (now, board)
    return board


def build(now: datetime | None = None) -> Dashboard:
    """Count the last twelve weeks' leads (not spam) by source, in clinic time."""
    zone = ZoneInfo(current_app.config["CLINIC_TIMEZONE"])
    now = now or datetime.now(UTC)
    starts = week_starts(now.astimezone(zone).date())
    since = local_day_start(starts[0])
    with_time = select(Appointment.id).where(Appointment.lead_id == Lead.id).exists()
    rows = db.session.execute(
        select(
            Lead.created_at, Lead.source_path, Lead.first_contacted_at, with_time
        ).where(Lead.created_at >= since, Lead.status != LeadStatus.SPAM)
    ).all()
    outcomes = dict(
        db.session.execute(
            select(Appointment.status, func.count())
            .where(
                Appointment.starts_at >= since,
                Appointment.status.in_(
                    (AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW)
                ),
            )
            .group_by(Appointment.status)
        ).all()
    )
    today = now.astimezone(zone).date()
    weeks = {start: dict.fromkeys(LeadSource, 0) for start in starts}
    waits, booked = [], 0
    for created_at, source_path, first_contacted_at, has_time in rows:
        booked += bool(has_time)
        day = created_at.astimezone(zone).date()
        monday = day - timedelta(days=day.weekday())
        if monday in weeks:
            weeks[monday][source_of(source_path)] += 1
        if first_contacted_at:
            waits.append(first_contacted_at - created_at)
    return Dashboard(
        weeks=[
            Week(start, counts, min(7, (today - start).days + 1), start == starts[-1])
            for start, counts in weeks.items()
        ],
        median_first_contact=median(waits) if waits else None,
        contacted=len(waits),
        booked=booked,
        requested=len(rows) - booked,
        no_shows=outcomes.get(AppointmentStatus.NO_SHOW, 0),
        attended=outcomes.get(AppointmentStatus.ATTENDED, 0),
    )
