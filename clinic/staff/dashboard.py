"""The figures at the top of the lead list: where leads came from, week by week, and
how quickly the clinic got back to them."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Lead
from clinic.staff.leads import SOURCES, local_day_start, source_of

WEEKS = 12


@dataclass(frozen=True)
class Week:
    start: date
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Dashboard:
    weeks: list[Week]
    median_first_contact: timedelta | None
    contacted: int

    @property
    def total(self) -> int:
        return sum(week.total for week in self.weeks)

    def source_totals(self) -> dict[str, int]:
        return {s: sum(w.counts[s] for w in self.weeks) for s in SOURCES}


def week_starts(today: date) -> list[date]:
    """The Mondays of the last twelve weeks, this week last."""
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]


def build(now: datetime | None = None) -> Dashboard:
    """Count the last twelve weeks' leads (not spam) by source, in clinic time."""
    zone = ZoneInfo(current_app.config["CLINIC_TIMEZONE"])
    now = now or datetime.now(UTC)
    starts = week_starts(now.astimezone(zone).date())
    rows = db.session.execute(
        select(Lead.created_at, Lead.source_path, Lead.first_contacted_at).where(
            Lead.created_at >= local_day_start(starts[0]), Lead.status != "spam"
        )
    ).all()
    weeks = {start: dict.fromkeys(SOURCES, 0) for start in starts}
    waits = []
    for created_at, source_path, first_contacted_at in rows:
        day = created_at.astimezone(zone).date()
        monday = day - timedelta(days=day.weekday())
        if monday in weeks:
            weeks[monday][source_of(source_path)] += 1
        if first_contacted_at:
            waits.append(first_contacted_at - created_at)
    return Dashboard(
        weeks=[Week(start, counts) for start, counts in weeks.items()],
        median_first_contact=median(waits) if waits else None,
        contacted=len(waits),
    )


def duration(span: timedelta) -> str:
    """A wait in the units a person would say: minutes, hours or days."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} days {hours} h" if hours else f"{days} days"


@dataclass(frozen=True)
class Bar:
    source: str
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[tuple[float, int]]  # (y, value) for the grid lines
    labels: list[tuple[float, str]]  # (x, text) under each week


def nice_ceiling(value: int) -> int:
    """The smallest of 4, 8, 12, 20, 40, 60, 80, 120, … at or above a count, so the
    four grid lines fall on whole numbers."""
    step = 1
    while True:
        for factor in (4, 8, 12, 20, 40, 60, 80):
            if value <= factor * step:
                return factor * step
        step *= 10


def chart(dashboard: Dashboard, width: int = 720, height: int = 240) -> Chart:
    """Lay the weeks out as stacked bars, one colour per source."""
    left, right, top, bottom = 40, 8, 10, 30
    plot_width, plot_height = width - left - right, height - top - bottom
    scale = nice_ceiling(max((w.total for w in dashboard.weeks), default=0))
    slot = plot_width / len(dashboard.weeks)
    bars, labels = [], []
    for index, week in enumerate(dashboard.weeks):
        x = left + index * slot + slot * 0.2
        base = top + plot_height
        for source, name in SOURCES.items():
            count = week.counts[source]
            if not count:
                continue
            bar_height = plot_height * count / scale
            base -= bar_height
            label = f"Week of {week.start:%b} {week.start.day}: {count} from {name}"
            bars.append(Bar(source, x, base, slot * 0.6, bar_height, label))
        day = f"{week.start:%b} {week.start.day}"
        labels.append((left + (index + 0.5) * slot, day))
    ticks = [(top + plot_height * (1 - n / 4), scale * n // 4) for n in range(5)]
    return Chart(width, height, bars, ticks, labels)
