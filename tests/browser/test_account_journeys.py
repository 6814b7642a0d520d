"""A new receptionist's first day, in Chromium with the keyboard alone: from the
invitation email to the lead list, through the password and the authenticator app,
each page checked by axe."""

import pyotp
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from clinic.accounts import invitations, users
from tests.staff.helpers import ADMIN, create_account
from tests.staff.http import link_in

NEW = "reception@clinic.test"
NEW_PASSWORD = "lemon tide orbit canvas"


def tab_to(page, selector: str, limit: int = 30) -> None:
    """Press Tab until the element has focus, as a keyboard user would."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def no_violations(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_from_the_invitation_email_to_the_leads_by_keyboard(chromium, live_site):
    app = live_site.app
    create_account(app, ADMIN, admin=True)
    with app.app_context():
        invitations.invite(NEW, False, False, "Jo Baker", by=users.find(ADMIN))
    (email,) = live_site.deliver(1)
    link = link_in(email, live_site.base)

    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    foreign = []
    page.on(
        "request",
        lambda r: (
            r.url.startswith(live_site.base)
            or r.url.startswith("data:")
            or foreign.append(r.url)
        ),
    )
    try:
        page.goto(link)
        expect(page.get_by_role("heading", name="Join the staff")).to_be_visible()
        no_violations(page)
        tab_to(page, "#password")
        page.keyboard.type(NEW_PASSWORD)
        page.keyboard.press("Tab")
        page.keyboard.type(NEW_PASSWORD)
        page.keyboard.press("Enter")

        expect(
            page.get_by_role("heading", name="Set up two-step sign-in")
        ).to_be_visible()
        no_violations(page)
        secret = page.locator("#totp-secret").inner_text().replace(" ", "")
        tab_to(page, "#code")
        page.keyboard.type(pyotp.TOTP(secret).now())
        page.keyboard.press("Enter")

        expect(
            page.get_by_role("heading", name="Two-step sign-in is on")
        ).to_be_visible()
        expect(page.locator(".recovery-codes li")).to_have_count(10)
        no_violations(page)
        tab_to(page, "text=I have kept them: continue")
        page.keyboard.press("Enter")

        expect(page.get_by_role("heading", name="Leads", exact=True)).to_be_visible()
        no_violations(page)
        assert foreign == []
    finally:
        context.close()


def test_the_account_pages_have_no_accessibility_violations(chromium, live_site):  # noqa: F811
    context = chromium.new_context()
    page = context.new_page()
    try:
        for path in ("/staff/password-reset", "/staff/invitation/expired"):
            page.goto(live_site.base + path)
            no_violations(page)
        page.goto(live_site.base + "/staff/password-reset")
        tab_to(page, "#email")
        page.keyboard.type("someone@clinic.test")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
        no_violations(page)
    finally:
        context.close()
