"""Changing the day on a picker, clicked in Chromium: the old day's times go dead at
once, the new day's load in place, and the booking lands on the day shown. Without
JavaScript a stale page's time is refused with the day's own times. The patient's
move page and the front desk's lead page, at phone and desk widths."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from clinic.appointments import changes, links
from clinic.extensions import db
from clinic.models import Appointment, Lead
from tests.appointments.helpers import CLINIC, add_practitioner, local
from tests.browser.helpers import sign_in_with_keyboard, weekday
from tests.helpers import all_rows
from tests.staff.helpers import STAFF, add_lead, create_account


@pytest.fixture
def booked(live_app):
    """A lead with a 9:00 appointment on a weekday; its page's address."""
    add_practitioner(live_app)
    lead_id = add_lead(live_app, treatment="botox-hyperhidrosis")
    with live_app.app_context():
        lead = db.session.get(Lead, lead_id)
        appointment = changes.book(lead, local(f"{weekday(9).isoformat()}T09:00"))
        db.session.commit()
        return lead_id, "/appointments/" + links.token_for(appointment)


def starts(app) -> list[str]:
    return [
        a.starts_at.astimezone(CLINIC).strftime("%Y-%m-%dT%H:%M")
        for a in all_rows(app, Appointment)
    ]


def other_day():
    day = weekday(9) + timedelta(days=1)
    while day.weekday() > 4:
        day += timedelta(days=1)
    return day


def hold_the_reload(page):
    """Let the page's script never get the new day's times (its fetch fails)."""
    page.route(
        "**/*",
        lambda route: (
            route.abort()
            if route.request.resource_type == "fetch"
            else route.continue_()
        ),
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_the_patient_changes_the_day_and_moves_to_it(
    open_page, live_app, booked, width
):
    _, url = booked
    page = open_page(url, width=width)
    first, day = weekday(9), other_day()
    page.fill("#date", day.isoformat())
    legend = page.locator("[data-times] legend")
    expect(legend).to_contain_text(f"{day:%A, %B} {day.day}")
    times = page.locator("input[name=appointment_start]")
    assert times.count() > 0
    for value in times.evaluate_all("inputs => inputs.map(i => i.value)"):
        assert value.startswith(day.isoformat())
    expect(page.locator("#date")).to_be_focused()  # the keyboard stays where it was
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.locator("#appointment_start").get_by_text("2:00 pm", exact=True).click()
    page.get_by_role("button", name="Move my consultation").click()
    expect(page.locator(".notice")).to_contain_text("has moved")
    assert starts(live_app) == [f"{day.isoformat()}T14:00"]
    assert first != day
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.foreign_requests == []


def test_stale_times_are_dead_until_the_new_day_loads(open_page, live_app, booked):
    _, url = booked
    page = open_page(url)
    first, day = weekday(9), other_day()
    old = page.locator(f"#time-{first.isoformat()}T14\\:00")
    expect(old).to_be_enabled()
    hold_the_reload(page)
    page.fill("#date", day.isoformat())
    expect(old).to_be_disabled()
    expect(page.locator("[data-times-status]")).to_contain_text("could not load")
    # "Show free times" still works (a plain form post), and brings the day.
    page.unroute("**/*")
    page.get_by_role("button", name="Show free times").click()
    expect(page.locator("[data-times] legend")).to_contain_text(f"{day.day}")
    assert starts(live_app) == [f"{first.isoformat()}T09:00"]


def test_without_javascript_a_stale_time_is_refused_with_the_days_times(
    open_page, live_app, booked
):
    _, url = booked
    page = open_page(url, javascript=False)
    first, day = weekday(9), other_day()
    page.fill("#date", day.isoformat())
    # The old day's 2:00 pm is still on the page: a patient taps it.
    page.locator("#appointment_start").get_by_text("2:00 pm", exact=True).click()
    page.get_by_role("button", name="Move my consultation").click()
    expect(page.locator(".error-summary")).to_contain_text("the day shown")
    expect(page.locator("[data-times] legend")).to_contain_text(f"{day.day}")
    assert starts(live_app) == [f"{first.isoformat()}T09:00"]
    page.locator("#appointment_start").get_by_text("2:00 pm", exact=True).click()
    page.get_by_role("button", name="Move my consultation").click()
    expect(page.locator(".notice")).to_contain_text("has moved")
    assert starts(live_app) == [f"{day.isoformat()}T14:00"]


@pytest.mark.parametrize("javascript", [True, False])
def test_the_front_desk_changes_the_day_and_books_it(open_page, live_app, javascript):
    add_practitioner(live_app)
    create_account(live_app, STAFF)
    caller = add_lead(live_app, treatment="botox-hyperhidrosis")
    page = open_page("/staff/login", javascript=javascript)
    sign_in_with_keyboard(page, STAFF)
    page.goto(live_app.config["LIVE_URL"] + f"/staff/leads/{caller}")
    day = other_day()
    page.fill("#picker-date", day.isoformat())
    if not javascript:
        page.get_by_role("button", name="Show free times").click()
    expect(page.locator("#appointment [data-times] legend")).to_contain_text(
        f"{day.day}"
    )
    if javascript:  # axe runs as a script in the page
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
    page.locator("#appointment_start").get_by_text("11:00 am", exact=True).click()
    page.get_by_role("button", name="Book this time").click()
    expect(page.locator("#appointment")).to_contain_text("11:00 AM")
    assert starts(live_app) == [f"{day.isoformat()}T11:00"]
