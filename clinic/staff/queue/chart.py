"""The dashboard's weekly chart as SVG geometry: bars stacked by source, grid lines
and labels, computed here so the template only draws."""

from dataclasses import dataclass

from clinic.leads.dashboard import Dashboard
from clinic.vocabulary import LeadSource


@dataclass(frozen=True)
class Bar:
    source: LeadSource
    x: float
    y: float
    width: float
    height: float
    label: str
    partial: bool = False  # this week, so far: drawn lighter


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


def lay_out(
    dashboard: Dashboard, width: int = 720, height: int = 240, label_every: int = 1
) -> Chart:
    """Lay the weeks out as stacked bars, one colour per source; the week under
    way is marked "so far", so its short bar does not read as a collapse. A narrow
    chart (drawn at its own size on a phone) labels every `label_every` weeks."""
    left, right, top, bottom = 40, 8, 10, 30
    plot_width, plot_height = width - left - right, height - top - bottom
    scale = nice_ceiling(max((w.total for w in dashboard.weeks), default=0))
    slot = plot_width / len(dashboard.weeks)
    bars, labels = [], []
    for index, week in enumerate(dashboard.weeks):
        x = left + index * slot + slot * 0.2
        base = top + plot_height
        for source in LeadSource:
            count = week.counts[source]
            if not count:
                continue
            bar_height = plot_height * count / scale
            base -= bar_height
            so_far = f" (so far, {week.days_so_far} of 7 days)" if week.partial else ""
            label = (
                f"Week of {week.start:%b} {week.start.day}{so_far}: "
                f"{count} from {source.label}"
            )
            bars.append(
                Bar(source, x, base, slot * 0.6, bar_height, label, week.partial)
            )
        if week.partial:
            labels.append((left + (index + 0.5) * slot, "so far"))
        elif (len(dashboard.weeks) - 1 - index) % label_every == 0:
            day = f"{week.start:%b} {week.start.day}"
            labels.append((left + (index + 0.5) * slot, day))
    ticks = [(top + plot_height * (1 - n / 4), scale * n // 4) for n in range(5)]
    return Chart(width, height, bars, ticks, labels)
