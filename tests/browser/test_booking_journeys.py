"""Booking a real time, clicked in Chromium: with JavaScript the day's times load in
place, without it "Show free times" brings them with everything typed kept; the
keyboard reaches every time; the appointment page moves and cancels it."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from clinic.models import Appointment, Lead
from tests.appointments.helpers import CLINIC, add_practitioner
from tests.browser.helpers import weekday
from tests.helpers import all_rows


@pytest.fixture
def practitioner(live_app):
    return add_practitioner(live_app)


def fill_details(page, email="zoe@example.com"):
    page.fill("#first_name", "Zoë")
    page.fill("#last_name", "Núñez")
    page.fill("#email", email)
    page.fill("#phone", "7145550123")
    page.check("#contact_method-1")
    page.check("#consent")


@pytest.mark.parametrize("width", [1280, 375])
def test_times_load_in_place_and_a_keyboard_books_one(
    open_page, live_app, practitioner, width
):
    page = open_page("/consultation?treatment=botox-hyperhidrosis", width=width)
    asked = []
    page.on("request", lambda r: "times.json" in r.url and asked.append(r.url))
    day = weekday(9)
    page.fill("#preferred_date", day.isoformat())
    page.dispatch_event("#preferred_date", "change")  # the same day again
    legend = page.locator("[data-times] legend")
    expect(legend).to_contain_text(f"{day:%B} {day.day}")
    expect(page.locator("[data-times-status]")).to_contain_text("free times")
    # Asked once: a second answer for the same day would redraw the times and
    # clear the one the patient is about to choose.
    assert len(asked) == 1, asked
    assert f"preferred_date={day.isoformat()}" in page.url  # a link to this state
    # The keyboard: Tab into the group of times, arrows move between them.
    page.locator(f"#time-{day.isoformat()}T10\\:00").focus()
    page.keyboard.press("ArrowRight")
    chosen = page.locator("input[name=appointment_start]:checked")
    expect(chosen).to_have_value(f"{day.isoformat()}T10:30")
    fill_details(page)
    page.get_by_role("button", name="Book my consultation").click()
    expect(page.locator("h1")).to_have_text("Your consultation")
    expect(page.locator("body")).to_contain_text("10:30 am")
    (appointment,) = all_rows(live_app, Appointment)
    local = appointment.starts_at.astimezone(CLINIC)
    assert local.strftime("%Y-%m-%dT%H:%M") == f"{day.isoformat()}T10:30"
    width_used = page.evaluate("document.documentElement.scrollWidth")
    assert width_used <= width
    assert page.foreign_requests == []


def test_without_javascript_show_free_times_keeps_what_was_typed(
    open_page, live_app, practitioner
):
    page = open_page("/consultation", javascript=False)
    fill_details(page)
    page.select_option("#treatment", "botox-hyperhidrosis")
    day = weekday(10)
    page.fill("#preferred_date", day.isoformat())
    page.get_by_role("button", name="Show free times").click()
    expect(page.locator("[data-times] legend")).to_contain_text(f"{day:%B} {day.day}")
    expect(page.locator("#first_name")).to_have_value("Zoë")
    expect(page.locator("#treatment")).to_have_value("botox-hyperhidrosis")
    expect(page.locator("#consent")).to_be_checked()
    page.locator("label", has_text="11:00 am").click()
    page.get_by_role("button", name="Book my consultation").click()
    expect(page.locator("h1")).to_have_text("Your consultation")
    (lead,) = all_rows(live_app, Lead)
    assert lead.first_name == "Zoë" and lead.treatment == "botox-hyperhidrosis"


def test_the_patient_moves_then_cancels_from_their_page(
    open_page, live_app, practitioner
):
    page = open_page("/consultation?treatment=botox-hyperhidrosis")
    day = weekday(9)
    page.fill("#preferred_date", day.isoformat())
    page.dispatch_event("#preferred_date", "change")
    page.locator("label", has_text="9:00 am").click()
    fill_details(page)
    page.get_by_role("button", name="Book my consultation").click()
    expect(page.locator("h1")).to_have_text("Your consultation")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.locator("#appointment_start").get_by_text("2:00 pm", exact=True).click()
    page.get_by_role("button", name="Move my consultation").click()
    expect(page.locator(".notice")).to_contain_text("has moved")
    expect(page.locator("body")).to_contain_text("2:00 pm")
    page.get_by_role("button", name="Cancel my consultation").click()
    expect(page.locator("h1")).to_have_text("Your consultation is cancelled")
    (appointment,) = all_rows(live_app, Appointment)
    assert appointment.status == "cancelled" and appointment.sequence == 2


def test_the_form_with_times_and_a_taken_time_have_no_accessibility_violations(
    open_page, live_app, practitioner
):
    day = weekday(9)
    page = open_page(
        f"/consultation?treatment=botox-hyperhidrosis&preferred_date={day}",
        bypass_csp=True,
    )
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    # Someone else takes 9:00 while this patient fills in the form.
    other = open_page(
        f"/consultation?treatment=botox-hyperhidrosis&preferred_date={day}"
    )
    other.locator("label", has_text="9:00 am").click()
    fill_details(other, "other@example.com")
    other.get_by_role("button", name="Book my consultation").click()
    expect(other.locator("h1")).to_have_text("Your consultation")
    page.locator("label", has_text="9:00 am").click()
    fill_details(page)
    page.get_by_role("button", name="Book my consultation").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Someone has just booked that time")
    expect(page.locator("#first_name")).to_have_value("Zoë")
    assert not re.search(r"9:00 am", page.locator("[data-times]").inner_text())
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
