"""The dashboard above the list: leads per week by source, drawn on the server,
and the median time to first contact."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from clinic.leads.dashboard import week_starts
from clinic.staff.display import duration
from clinic.staff.queue.chart import nice_ceiling
from tests.helpers import parse_html
from tests.staff.helpers import add_lead

ZONE = ZoneInfo("America/Los_Angeles")
SVG = "{http://www.w3.org/2000/svg}"


def monday_noon(weeks_ago: int) -> datetime:
    """Noon clinic time on the Monday of a week some weeks back."""
    today = datetime.now(ZONE).date()
    monday = today - timedelta(days=today.weekday(), weeks=weeks_ago)
    return datetime(monday.year, monday.month, monday.day, 12, tzinfo=ZONE).astimezone(
        UTC
    )


def table_rows(page: str) -> dict[str, list[int]]:
    """The dashboard's table: week start to counts (article, treatment, home,
    other, total)."""
    table = page.split("The figures as a table")[1].split("</table>")[0]
    rows = re.findall(
        r'<th scope="row">([\d-]+)(?: \(so far\))?</th>((?:<td>\d+</td>)+)', table
    )
    return {week: [int(n) for n in re.findall(r"\d+", cells)] for week, cells in rows}


def test_leads_are_counted_by_week_and_source(app, staff_client):
    for weeks_ago, path in [
        (0, "/blog/medical-benefits-of-botox"),
        (0, "/blog/medical-benefits-of-botox"),
        (0, "/treatments/botox-chronic-migraine"),
        (3, "/"),
        (3, None),
        (3, "/privacy"),
        (11, "/treatments/"),
        (12, "/blog/"),  # thirteen weeks back: outside the chart
    ]:
        add_lead(app, created_at=monday_noon(weeks_ago), source_path=path)
    add_lead(app, created_at=monday_noon(0), status="spam")
    page = staff_client.get("/staff/leads").text
    rows = table_rows(page)
    assert len(rows) == 12
    weeks = list(rows.values())
    assert weeks[-1] == [2, 1, 0, 0, 3]
    assert weeks[-4] == [0, 0, 1, 2, 3]
    assert weeks[0] == [0, 1, 0, 0, 1]
    assert sum(week[-1] for week in weeks) == 7
    assert (
        "Leads per week by source, last 12 weeks (7 in all; this week so far)" in page
    )


def test_the_chart_is_an_svg_with_a_bar_per_source_and_week(app, staff_client):
    add_lead(app, created_at=monday_noon(0), source_path="/blog/x")
    add_lead(app, created_at=monday_noon(0), source_path="/")
    add_lead(app, created_at=monday_noon(1), source_path="/")
    page = staff_client.get("/staff/leads").text
    document = parse_html(page)
    svg = document.find(f".//{SVG}svg")
    assert svg is not None and svg.get("role") == "img"
    bars = svg.findall(f".//{SVG}rect")
    titles = sorted(bar.find(f"{SVG}title").text for bar in bars)
    assert len(bars) == 3
    assert any(t.endswith("1 from Article") for t in titles)
    assert sum(t.endswith("1 from Home page") for t in titles) == 2
    heights = {float(bar.get("height")) for bar in bars}
    assert len(heights) == 1  # one lead each: the same height


def test_median_time_to_first_contact(app, staff_client):
    start = datetime.now(UTC) - timedelta(days=3)
    for hours in (1, 3, 20):
        add_lead(
            app,
            created_at=start,
            status="contacted",
            first_contacted_at=start + timedelta(hours=hours),
        )
    add_lead(app, created_at=start)  # not contacted yet: not counted
    page = staff_client.get("/staff/leads").text
    assert '<span class="figure-value">3 h</span>' in page
    assert "3 leads contacted, last 12 weeks" in page


def test_an_empty_dashboard_says_so(staff_client):
    page = staff_client.get("/staff/leads").text
    assert "no lead contacted in the last 12 weeks" in page
    assert "(0 in all; this week so far)" in page


@pytest.mark.parametrize(
    "minutes, words",
    [
        (5, "5 min"),
        (60, "1 h"),
        (135, "2 h 15 min"),
        (49 * 60, "2 days 1 h"),
        (72 * 60, "3 days"),
    ],
)
def test_durations_read_as_a_person_would_say_them(minutes, words):
    assert duration(timedelta(minutes=minutes)) == words


@pytest.mark.parametrize(
    "count, ceiling", [(0, 4), (3, 4), (5, 8), (11, 12), (13, 20), (79, 80), (81, 120)]
)
def test_the_scale_rounds_up_to_a_number_the_grid_divides(count, ceiling):
    assert nice_ceiling(count) == ceiling
    assert ceiling % 4 == 0


def test_weeks_start_on_monday_and_end_with_this_one():
    starts = week_starts(datetime(2026, 11, 25).date())  # a Wednesday
    assert len(starts) == 12
    assert starts[-1].isoformat() == "2026-11-23"
    assert all(day.weekday() == 0 for day in starts)


def test_this_week_is_marked_as_so_far_not_read_as_a_collapse(app, staff_client):
    add_lead(app, created_at=monday_noon(0), source_path="/")
    add_lead(app, created_at=monday_noon(1), source_path="/")
    document = parse_html(staff_client.get("/staff/leads").text)
    for svg in document.findall(f".//{SVG}svg"):
        titles = [bar.find(f"{SVG}title").text for bar in svg.findall(f".//{SVG}rect")]
        this_week = [t for t in titles if "(so far" in t]
        assert len(this_week) == 1 and "of 7 days" in this_week[0]
        partial = [
            r for r in svg.findall(f".//{SVG}rect") if "partial" in r.get("class")
        ]
        assert len(partial) == 1
        labels = [t.text for t in svg.findall(f".//{SVG}g[@class='axis']/{SVG}text")]
        assert labels[-1] == "so far"
    rows = [th.text for th in document.findall(".//figure//tbody/tr/th")]
    assert rows[-1].endswith("(so far)") and not rows[-2].endswith("(so far)")


def test_a_phone_gets_its_own_narrow_chart_with_fewer_labels(app, staff_client):
    add_lead(app, created_at=monday_noon(0), source_path="/")
    document = parse_html(staff_client.get("/staff/leads").text)
    wide, narrow = document.findall(f".//{SVG}svg")
    assert (wide.get("class"), narrow.get("class")) == ("chart-wide", "chart-narrow")
    assert narrow.get("viewBox") == "0 0 360 220"
    count = len(narrow.findall(f".//{SVG}g[@class='axis']/{SVG}text"))
    assert count == 6  # "so far" and every other week before it
    assert len(wide.findall(f".//{SVG}g[@class='axis']/{SVG}text")) == 12


def test_the_dashboard_is_reused_for_a_minute_and_the_queue_never_is(make_app):
    import time_machine

    from tests.staff.helpers import STAFF, create_account, sign_in

    app = make_app(STAFF_DASHBOARD_SECONDS=60)
    create_account(app, STAFF)
    with time_machine.travel(datetime.now(UTC), tick=False) as clock:
        client = app.test_client()
        sign_in(client, STAFF)
        add_lead(app, first_name="First")
        assert "(1 in all;" in client.get("/staff/leads").text
        add_lead(app, first_name="Second")
        page = client.get("/staff/leads").text
        assert "(1 in all;" in page  # the figures: reused
        assert "Second García" in page  # the queue: fresh
        clock.shift(61)
        assert "(2 in all;" in client.get("/staff/leads").text
