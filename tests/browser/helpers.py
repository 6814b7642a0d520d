"""What the browser journeys share: days ahead and signing in by keyboard."""

from datetime import timedelta

from playwright.sync_api import expect

from tests.helpers import next_open_day
from tests.staff.helpers import PASSWORD


def weekday(days_ahead: int):
    """A Monday to Friday, when the clinic opens at 9:00 (10:00 on Saturdays)."""
    day = next_open_day(days_ahead)
    while day.weekday() > 4:
        day += timedelta(days=1)
    return day


def sign_in_with_keyboard(page, email: str) -> None:
    """Sign in with the keyboard alone and wait for the lead list."""
    page.locator("#email").focus()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Leads", exact=True)).to_be_visible()
