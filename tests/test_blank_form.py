"""The empty form is rendered once per treatment and day; each visitor still gets
their own CSRF and one-time form tokens."""

import re
from datetime import date

from clinic.booking.blank_form import CSRF_SLOT, TOKEN_SLOT
from tests.helpers import hidden_fields, submit


def without_tokens(page: str) -> str:
    for value in hidden_fields(page).values():
        page = page.replace(value, "")
    return page


def test_each_visitor_gets_their_own_tokens_in_the_same_page(app):
    first, second = app.test_client(), app.test_client()
    page_one, page_two = first.get("/consultation"), second.get("/consultation")
    tokens_one, tokens_two = hidden_fields(page_one.text), hidden_fields(page_two.text)
    assert set(tokens_one) == set(tokens_two) == {"csrf_token", "form_token"}
    assert tokens_one["csrf_token"] != tokens_two["csrf_token"]
    assert tokens_one["form_token"] != tokens_two["form_token"]
    assert without_tokens(page_one.text) == without_tokens(page_two.text)
    for slot in (CSRF_SLOT, TOKEN_SLOT):  # none left unfilled
        assert slot not in page_one.text and slot not in page_two.text
    # Each visitor's tokens work for that visitor only.
    assert submit(first, tokens=tokens_one).status_code == 303
    assert submit(second, tokens=tokens_one).status_code == 400
    assert submit(second, tokens=tokens_two).status_code == 303


def selected_treatment(page: str) -> list[str]:
    return re.findall(r'<option selected value="([^"]*)"', page)


def test_a_named_treatment_is_chosen_only_on_its_own_page(client):
    assert selected_treatment(client.get("/consultation").text) == []
    chosen = client.get("/consultation?treatment=laser-hair-removal").text
    assert selected_treatment(chosen) == ["laser-hair-removal"]
    assert selected_treatment(client.get("/consultation").text) == []
    assert selected_treatment(client.get("/consultation?treatment=nope").text) == []


def test_the_date_bounds_follow_the_clinic_s_day(client, monkeypatch):
    client.get("/consultation")
    monkeypatch.setattr(
        "clinic.booking.blank_form.bookable_range",
        lambda: (date(2031, 1, 6), date(2031, 7, 7)),
    )
    page = client.get("/consultation").text
    assert 'min="2031-01-06"' in page and 'max="2031-07-07"' in page
