"""What a patient does, clicked in Chromium: read, ask, make a mistake, fix it."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Lead
from tests.helpers import PAGE_KINDS, next_open_day


def tab_to(page, element_id: str) -> None:
    """Press Tab, as a keyboard user would, until the element has focus."""
    for _ in range(8):
        if page.evaluate("document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def fix_with_keyboard_only(page):
    """Correct the form with Tab, typing, Space and the arrow keys alone."""
    page.locator("#preferred_date").focus()
    page.keyboard.type(next_open_day().strftime("%m%d%Y"))  # the date input's order
    tab_to(page, "time-call-me")  # no practitioner yet: asking to be called
    tab_to(page, "preferred_time-0")
    page.keyboard.press("Space")  # morning
    for element_id, text in [
        ("first_name", "Zoë"),
        ("last_name", "Núñez"),
        ("email", "zoe@example.com"),
        ("phone", "7145550123"),
    ]:
        tab_to(page, element_id)
        page.keyboard.press("Control+A")
        page.keyboard.type(text)
    tab_to(page, "contact_method-0")
    page.keyboard.press("ArrowRight")  # email
    tab_to(page, "consent")
    page.keyboard.press("Space")
    page.keyboard.press("Enter")  # submits the form from the checkbox


@pytest.mark.parametrize(
    ("javascript", "width", "height"),
    [(True, 1280, 800), (False, 1280, 800), (True, 375, 740)],
    ids=["desktop", "javascript-off", "phone"],
)
def test_patient_reads_asks_makes_a_mistake_and_fixes_it(
    open_page, live_app, javascript, width, height
):
    page = open_page("/blog/medical-benefits-of-botox", javascript, width, height)
    expect(page.locator("h1")).to_have_text(
        "Scientific Studies: Medical Benefits of Botox"
    )
    page.locator("aside.cta a.button").click()
    expect(page).to_have_url(live_app.config["LIVE_URL"] + "/consultation")

    page.select_option("#treatment", "botox-chronic-migraine")
    page.fill("#email", "not an email")
    page.get_by_role("button", name="Book my consultation").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter an email address like name@example.com.")
    expect(page.locator("#email")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#treatment")).to_have_value("botox-chronic-migraine")

    fix_with_keyboard_only(page)
    expect(page.locator("h1")).to_have_text("Thank you: we have your request")
    with live_app.app_context():
        lead = db.session.scalar(select(Lead))
    assert (lead.first_name, lead.last_name, lead.email) == (
        "Zoë",
        "Núñez",
        "zoe@example.com",
    )
    assert lead.preferred_time == "morning" and lead.contact_method == "email"
    assert lead.source_path == "/blog/medical-benefits-of-botox"
    assert page.foreign_requests == []


def test_phone_visitor_reaches_the_form_from_a_treatment(open_page, live_app):
    page = open_page("/treatments/botox-hyperhidrosis", width=375, height=740)
    page.get_by_role("link", name="Ask about this treatment").click()
    expect(page.locator("#treatment")).to_have_value("botox-hyperhidrosis")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375  # nothing forces sideways scrolling on a phone


@pytest.mark.parametrize("path", PAGE_KINDS)
def test_public_page_has_no_accessibility_violations(open_page, path):
    page = open_page(path, bypass_csp=True)  # so the injected axe source may run
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert page.foreign_requests == []


def test_form_error_state_has_no_accessibility_violations(open_page):
    page = open_page("/consultation", bypass_csp=True)
    page.get_by_role("button", name="Book my consultation").click()
    expect(page.locator(".error-summary")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_strict_csp_breaks_nothing_on_any_page(open_page):
    errors = []
    # The 404 page logs its own status as an error; that is the page working.
    for path in [p for p in PAGE_KINDS if p != "/no-such-page"]:
        page = open_page(path)
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.reload()
    assert errors == []


def test_printed_article_shows_reference_urls_and_no_site_chrome(open_page):
    page = open_page("/blog/medical-benefits-of-botox")
    page.emulate_media(media="print")
    links = page.locator("section.references li a")
    for n in range(3):  # a DOI, the label's page, ...: each prints its address
        link = links.nth(n)
        after = link.evaluate("a => getComputedStyle(a, '::after').content")
        assert link.get_attribute("href") in after
    for hidden in ("header.site-header", "footer.site-footer", "nav.toc", "aside.cta"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator("section.references")).to_be_visible()
