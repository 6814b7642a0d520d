"""What the front desk does, clicked in Chromium: sign in, work a lead, export,
sign out; and every staff page checked by axe under the strict CSP."""

from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import update

from clinic.accounts import invitations
from clinic.accounts.users import find
from clinic.appointments import availability, changes
from clinic.extensions import db
from clinic.models import Lead, LeadNote, StaffUser
from tests.browser.helpers import sign_in_with_keyboard
from tests.helpers import all_rows
from tests.staff.helpers import ADMIN, PASSWORD, STAFF, add_lead, create_account


def first_time_today():
    """A free time today, or tomorrow (the clinic may be closed today or over)."""
    for day in (availability.today(), availability.today() + timedelta(days=1)):
        slots = availability.day_slots(day, None, notice=False)
        if slots:
            return slots[0].start
    return None


@pytest.fixture
def desk(live_app):
    """Two accounts (the admin also sees patients), a lead who asked to be called,
    and one with an appointment booked for today."""
    create_account(live_app, STAFF)
    create_account(live_app, ADMIN, admin=True)
    with live_app.app_context():
        db.session.execute(
            update(StaffUser).values(is_practitioner=True, display_name="Dr. Owner")
        )
        db.session.commit()
        # The team page lists an invitation waiting.
        invitations.invite("new@clinic.test", False, False, "Jo Baker", by=find(ADMIN))
    booked = add_lead(live_app, first_name="Older", email="older@example.com")
    with live_app.app_context():
        lead = db.session.get(Lead, booked)
        start = first_time_today()
        if start is not None:
            changes.book(lead, start, notice=False)
            db.session.commit()
    return add_lead(
        live_app,
        first_name="Zoë",
        last_name="Núñez",
        email="zoe@example.com",
        source_path="/blog/medical-benefits-of-botox",
        message="<b>not bold</b> & migraines",
    )


def test_front_desk_works_a_lead_exports_and_signs_out(open_page, live_app, desk):
    page = open_page("/staff/leads")
    expect(page).to_have_url(
        f"{live_app.config['LIVE_URL']}/staff/login?next=/staff/leads"
    )
    sign_in_with_keyboard(page, STAFF)
    waiting = page.locator("table.leads tbody tr", has_text="Zoë Núñez")
    expect(waiting).to_have_class("status-row-new")
    waiting.get_by_role("link", name="Zoë Núñez").click()

    expect(page.get_by_text("<b>not bold</b> & migraines")).to_be_visible()
    page.get_by_role("button", name="Contacted").click()
    expect(page.get_by_role("status")).to_contain_text("Status changed to contacted.")
    page.get_by_label("Assigned to").select_option(label=STAFF)
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("status")).to_contain_text(f"Assigned to {STAFF}.")
    page.get_by_label("Add a note").fill("Called back, booking Tuesday.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".notes")).to_contain_text("Called back, booking Tuesday.")

    page.get_by_role("link", name="All leads").click()  # back to the list
    page.get_by_role("navigation", name="Lead views").get_by_role(
        "link", name="All leads"
    ).click()
    page.get_by_role("link", name="Contacted 1").click()
    expect(page.locator("table.leads tbody tr")).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_role("link", name="Export these 1 to CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("\ufeff") and "Núñez" in text and "Older" not in text

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You are signed out.")
    page.go_back()
    page.reload()
    expect(page.get_by_role("heading", name="Staff sign-in")).to_be_visible()

    (lead,) = [lead for lead in all_rows(live_app, Lead) if lead.id == desk]
    assert lead.status == "contacted" and lead.assigned_to_id is not None
    assert [note.body for note in all_rows(live_app, LeadNote)] == [
        "Called back, booking Tuesday."
    ]


def test_a_wrong_password_shows_the_message_and_keeps_the_email(open_page, desk):
    page = open_page("/staff/login")
    page.get_by_label("Email address").fill(STAFF)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match an active account")
    expect(page.get_by_label("Email address")).to_have_value(STAFF)
    expect(page.get_by_label("Password")).to_have_value("")


STAFF_PAGES = [
    "/staff/leads",
    "/staff/leads/{lead}",
    "/staff/activity",
    "/staff/team",
    "/staff/calendar",
    "/staff/calendar?view=day",
    "/staff/availability",
    "/staff/replies",
    "/staff/account",
    "/staff/privacy",
]


@pytest.mark.parametrize("path", ["/staff/login", *STAFF_PAGES])
def test_staff_page_has_no_accessibility_violations(open_page, desk, path):
    page = open_page("/staff/login", bypass_csp=True)
    if path != "/staff/login":
        sign_in_with_keyboard(page, ADMIN)
        page.goto(page.url.split("/staff/")[0] + path.format(lead=desk))
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert page.foreign_requests == []


def test_a_privacy_search_with_candidates_has_no_accessibility_violations(
    open_page, live_app, desk
):
    """Found leads with checkboxes, one a candidate with its warnings."""
    add_lead(live_app, first_name="Bea", email="bea@example.org", phone="+17145550123")
    page = open_page("/staff/login", bypass_csp=True)
    sign_in_with_keyboard(page, ADMIN)
    page.goto(page.url.split("/staff/")[0] + "/staff/privacy")
    page.get_by_label("Patient's email address or phone number").fill("zoe@example.com")
    page.get_by_role("button", name="Find their requests").click()
    expect(page.get_by_label("Include request #", exact=False).first).to_be_visible()
    expect(page.locator("table")).to_contain_text("Not the contact the requester")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_sign_in_error_state_has_no_accessibility_violations(open_page, desk):
    page = open_page("/staff/login", bypass_csp=True)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".error-summary")).to_be_focused()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_strict_csp_breaks_nothing_in_the_staff_area(open_page, desk):
    errors = []
    page = open_page("/staff/login")
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    sign_in_with_keyboard(page, ADMIN)
    for path in STAFF_PAGES:
        page.goto(page.url.split("/staff/")[0] + path.format(lead=desk))
    assert errors == []


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_fit_a_phone_without_scrolling_sideways(open_page, desk, path):
    page = open_page("/staff/login", width=375, height=740)
    sign_in_with_keyboard(page, ADMIN)
    page.goto(page.url.split("/staff/")[0] + path.format(lead=desk))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375  # wide tables scroll inside their own box instead


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (375, 740)])
def test_the_first_lead_is_in_view_without_scrolling(open_page, desk, width, height):
    page = open_page("/staff/login", width=width, height=height)
    sign_in_with_keyboard(page, STAFF)
    first = page.locator("table.leads tbody tr").first
    box = first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= height, box
    # Its call link too, within a thumb's reach on a phone.
    call = first.locator("a.call").bounding_box()
    assert call["y"] + call["height"] <= height
    if width < 768:  # a thumb's target on a phone
        assert call["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_dashboard_stays_open_once_opened(open_page, desk):
    page = open_page("/staff/login")
    sign_in_with_keyboard(page, STAFF)
    page.locator("details[data-remember=dashboard] > summary").click()
    expect(page.locator("details[data-remember=dashboard]")).to_have_attribute(
        "open", ""
    )
    page.reload()
    expect(page.locator("details[data-remember=dashboard]")).to_have_attribute(
        "open", ""
    )
    page.locator("details[data-remember=dashboard] > summary").click()
    page.reload()
    expect(page.locator("details[data-remember=dashboard]")).not_to_have_attribute(
        "open", ""
    )


@pytest.mark.parametrize("javascript", [True, False])
def test_calling_back_is_one_step_and_keeps_the_place(open_page, desk, javascript):
    page = open_page("/staff/login", javascript=javascript, width=375, height=740)
    sign_in_with_keyboard(page, STAFF)
    page.goto(page.url.split("/staff/")[0] + f"/staff/leads/{desk}")
    page.evaluate("window.stillHere = true")
    page.get_by_label("Note with this change (optional)").fill("Called, booked Tue")
    page.get_by_role("button", name="Contacted", exact=True).click()
    messages = page.locator("#work .flashes")
    expect(messages).to_contain_text("Status changed to contacted. Note added.")
    expect(page.locator(".notes")).to_contain_text("Called, booked Tue")
    expect(page.locator(".lead-head .badge")).to_have_text("Contacted")
    # With JavaScript nothing reloaded; without, the page came back at #work.
    assert page.evaluate("window.stillHere === true") is javascript
    assert page.url.endswith("#work") is not javascript
    box = messages.bounding_box()
    assert -2 <= box["y"] < 740, box  # the result is in view, not two screens up


def test_the_chart_is_legible_on_a_phone(open_page, desk):
    page = open_page("/staff/login", width=375, height=740)
    sign_in_with_keyboard(page, STAFF)
    page.locator("details[data-remember=dashboard] > summary").click()
    labels = page.locator("figure.chart svg:visible g.axis text")
    expect(labels.last).to_have_text("so far")
    heights = [
        box["height"]
        for box in labels.evaluate_all(
            "texts => texts.map(t => t.getBoundingClientRect().toJSON())"
        )
    ]
    assert min(heights) >= 10, heights  # 12 px type drawn near its own size


def test_a_note_being_written_survives_being_signed_out(open_page, desk):
    page = open_page("/staff/login")
    sign_in_with_keyboard(page, STAFF)
    lead_page = page.url.split("/staff/")[0] + f"/staff/leads/{desk}"
    page.goto(lead_page)
    page.get_by_label("Add a note").fill("Patient asked about Tuesday; call back")
    page.context.clear_cookies()  # signed out meanwhile, as an idle session is
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_role("heading", name="Staff sign-in")).to_be_visible()
    sign_in_with_keyboard_to(page, STAFF, f"/staff/leads/{desk}")
    note = page.get_by_label("Add a note")
    expect(note).to_have_value("Patient asked about Tuesday; call back")
    expect(page.locator(".draft-restored")).to_be_visible()
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".notes")).to_contain_text("Patient asked about Tuesday")
    page.reload()  # saved, so the draft is gone
    expect(page.get_by_label("Add a note")).to_have_value("")
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('draft:'))")
        == []
    )


def sign_in_with_keyboard_to(page, email: str, path: str) -> None:
    page.locator("#email").focus()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{path}")
