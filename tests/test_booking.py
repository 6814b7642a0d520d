"""The consultation form: what a patient sees, what is stored, what bad input gets."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from clinic.extensions import db
from clinic.models import Lead, OutboxEmail
from clinic.pages import privacy
from tests.helpers import (
    all_rows,
    hidden_fields,
    next_open_day,
    open_form,
    parse_html,
    submit,
)


def leads(app) -> list[Lead]:
    return all_rows(app, Lead)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_form_renders_every_contract_field_and_preselects_treatment(client):
    page = client.get("/consultation?treatment=laser-hair-removal").text
    document = parse_html(page)
    names = {e.get("name") for e in document.iter() if e.get("name")}
    for name in (
        "first_name",
        "last_name",
        "email",
        "phone",
        "treatment",
        "preferred_date",
        "preferred_time",
        "contact_method",
        "message",
        "consent",
        "csrf_token",
        "form_token",
    ):
        assert name in names, name
    selected = document.find(".//select[@name='treatment']//option[@selected]")
    assert selected.get("value") == "laser-hair-removal"
    assert document.find(".//a[@href='/privacy']") is not None


def test_form_has_no_empty_or_placeholder_aria_values(client):
    for response in (client.get("/consultation"), submit(client, email="bad")):
        assert '="None"' not in response.text
        assert 'aria-describedby=""' not in response.text


@pytest.mark.parametrize(
    "query", ["?treatment=snake-oil", "?treatment=%00", "?treatment=" + "x" * 5000]
)
def test_unknown_preselected_treatment_is_ignored(client, query):
    response = client.get(f"/consultation{query}")
    assert response.status_code == 200
    document = parse_html(response.text)
    assert document.find(".//select[@name='treatment']//option[@selected]") is None


def test_good_request_is_stored_and_redirects_to_thanks(app, client):
    response = submit(client, email="Ana@Example.COM", message="Line one\nLine two")
    assert response.status_code == 303
    assert response.headers["Location"] == "/consultation/thanks"
    (lead,) = leads(app)
    assert (lead.first_name, lead.last_name) == ("Ana", "García")
    assert lead.email == "Ana@example.com"
    assert lead.phone == "+17145550123"
    assert lead.treatment == "botox-chronic-migraine"
    assert lead.preferred_date == next_open_day()
    assert lead.status == "new" and not lead.is_spam
    assert lead.message == "Line one\nLine two"
    assert lead.consent_at.tzinfo is not None
    with app.app_context():
        assert lead.privacy_version == privacy.version()  # the notice they agreed to
    with app.app_context():
        kinds = db.session.scalars(
            select(OutboxEmail.kind).order_by(OutboxEmail.id)
        ).all()
        states = set(db.session.scalars(select(OutboxEmail.status)).all())
    assert kinds == ["clinic_notification", "patient_ack"]
    assert states == {"pending"}


def test_thanks_page_says_what_happens_next(client):
    response = client.get("/consultation/thanks")
    assert response.status_code == 200
    assert "What happens next" in response.text


def test_replayed_submission_creates_one_lead(app, client):
    tokens = open_form(client)
    first = submit(client, tokens)
    again = submit(client, tokens)
    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == "/consultation/thanks"
    assert count(app, Lead) == 1
    assert count(app, OutboxEmail) == 2


def test_two_forms_make_two_leads(app, client):
    submit(client)
    submit(client, email="other@example.com")
    assert count(app, Lead) == 2


def test_missing_csrf_token_is_400_and_keeps_input(app, client):
    tokens = open_form(client)
    del tokens["csrf_token"]
    response = submit(client, tokens, first_name="Keep Me")
    assert response.status_code == 400
    assert "Your session expired" in response.text
    assert 'value="Keep Me"' in response.text
    assert count(app, Lead) == 0


def test_post_without_any_form_fields_is_400(app, client):
    response = client.post("/consultation", data={})
    assert response.status_code == 400
    assert count(app, Lead) == 0


def days_from_today(n: int) -> str:
    return (date.today() + timedelta(days=n)).isoformat()


def next_sunday() -> str:
    day = next_open_day()
    return (day + timedelta(days=(6 - day.weekday()))).isoformat()


BAD_INPUT = {
    "missing first name": ({"first_name": None}, "Enter your first name."),
    "blank first name": ({"first_name": "   "}, "Enter your first name."),
    "missing email": ({"email": None}, "Enter your email address."),
    "malformed email": ({"email": "ana@"}, "Enter an email address like"),
    "email with spaces": ({"email": "ana @example.com"}, "Enter an email address like"),
    "missing phone": ({"phone": None}, "Enter a phone number"),
    "letters for phone": ({"phone": "call me maybe"}, "Enter a phone number like"),
    "too short phone": ({"phone": "12345"}, "Enter a phone number like"),
    "unknown treatment": (
        {"treatment": "snake-oil"},
        "Choose a treatment from the list.",
    ),
    "no treatment": ({"treatment": ""}, "Choose a treatment from the list."),
    "malformed date": ({"preferred_date": "31/12/2030"}, "year-month-day"),
    "impossible date": ({"preferred_date": "2027-02-30"}, "year-month-day"),
    "date in the past": (
        {"preferred_date": "2020-01-06"},
        "Choose today or a later date.",
    ),
    "date too far ahead": ({"preferred_date": "2099-01-05"}, "Choose a date before"),
    "closed day": ({"preferred_date": next_sunday()}, "We are closed on Sundays."),
    "unknown time": ({"preferred_time": "midnight"}, "Choose morning, afternoon"),
    "unknown method": ({"contact_method": "pigeon"}, "Choose how we should contact"),
    "message too long": ({"message": "x" * 2001}, "shorten your message to 2,000"),
    "no consent": ({"consent": None}, "Please tick the box"),
    "consent not y": ({"consent": "n"}, "Please tick the box"),
    "NUL in name": ({"first_name": "An\x00a"}, "remove the special characters"),
    "NUL in message": ({"message": "hi\x00"}, "remove the special characters"),
    "CRLF in name": ({"last_name": "Doe\r\nBcc: x@evil.test"}, "keep this on one line"),
    "CRLF in phone": ({"phone": "714 555\r\n0123"}, "keep this on one line"),
    "LF in email": (
        {"email": "ana@example.com\nBcc: x@evil.test"},
        "keep this on one line",
    ),
    "NUL in email": ({"email": "ana\x00@example.com"}, "remove the special characters"),
    "oversized name": ({"first_name": "A" * 81}, "shorten your first name to 80"),
    "zero-width char": ({"first_name": "A\u200bna"}, "remove the special characters"),
    "accented mailbox": ({"email": "añá@example.com"}, "non-Latin letters before"),
    "cyrillic mailbox": ({"email": "анна@example.com"}, "non-Latin letters before"),
}


def test_an_internationalised_domain_is_stored_in_its_ascii_form(app, client):
    assert submit(client, email="Ana@Bücher.example").status_code == 303
    (lead,) = all_rows(app, Lead)
    assert lead.email == "Ana@xn--bcher-kva.example"


@pytest.mark.parametrize(("overrides", "message"), BAD_INPUT.values(), ids=BAD_INPUT)
def test_bad_input_is_400_with_a_clear_message_and_nothing_lost(
    app, client, overrides, message
):
    submit(client, email="earlier@example.com")
    fields = {"first_name": "Kept", **overrides}
    response = submit(client, **fields)
    assert response.status_code == 400
    assert message in response.text
    document = parse_html(response.text)
    summary = document.find(".//div[@class='error-summary']")
    assert summary.get("autofocus") is not None and summary.get("role") == "alert"
    assert 'aria-invalid="true"' in response.text
    assert count(app, Lead) == 1  # the earlier request is still there, no new one
    if "first_name" not in overrides:
        assert 'value="Kept"' in response.text  # what the patient typed is kept


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("José", "Núñez"),
        ("美咲", "佐藤"),
        ("Αλέξανδρος", "Παπαδόπουλος"),
        ("Zoë 🌸", "O'Brien-Smith"),
    ],
)
def test_names_in_any_script_and_with_emoji_are_accepted(app, client, first, last):
    assert submit(client, first_name=first, last_name=last).status_code == 303
    (lead,) = leads(app)
    assert (lead.first_name, lead.last_name) == (first, last)


def test_hostile_input_is_escaped_when_the_form_is_shown_again(client):
    response = submit(client, first_name='<script>alert("x")</script>', email="bad")
    assert response.status_code == 400
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert" in response.text


def test_oversized_body_is_refused_with_413_and_nothing_stored(app, client):
    tokens = open_form(client)
    response = client.post(
        "/consultation", data={**tokens, "message": "x" * 200_000, "first_name": "Big"}
    )
    assert response.status_code == 413
    assert "Request Entity Too Large" in response.text
    assert count(app, Lead) == 0


def test_honeypot_catches_a_bot_that_sees_the_normal_thanks(app, client):
    response = submit(client, website="http://spam.example")
    assert response.status_code == 303
    assert response.headers["Location"] == "/consultation/thanks"
    (lead,) = leads(app)
    assert lead.is_spam and lead.status == "spam"
    assert "honeypot" in lead.spam_reason
    assert count(app, OutboxEmail) == 0


def test_too_fast_submission_is_stored_as_spam_without_email(make_app):
    app = make_app(BOOKING_MIN_SECONDS=60)
    client = app.test_client()
    assert submit(client).status_code == 303
    (lead,) = leads(app)
    assert lead.is_spam and "minimum 60 s" in lead.spam_reason
    assert count(app, OutboxEmail) == 0


def test_forged_form_token_asks_to_send_again_with_a_fresh_token(app, client):
    tokens = open_form(client)
    forged = {**tokens, "form_token": tokens["form_token"][:-3] + "abc"}
    response = submit(client, forged, first_name="Still Here")
    assert response.status_code == 400
    assert "This form has expired" in response.text
    assert 'value="Still Here"' in response.text
    fresh = hidden_fields(response.text)
    assert fresh["form_token"] != forged["form_token"]
    assert submit(client, fresh).status_code == 303
    assert count(app, Lead) == 1


def test_expired_form_token_is_refused(make_app):
    app = make_app(BOOKING_TOKEN_MAX_AGE=-1)
    client = app.test_client()
    response = submit(client)
    assert response.status_code == 400
    assert "This form has expired" in response.text


def test_rate_limit_answers_429_after_too_many_posts(make_app):
    app = make_app(RATELIMIT_ENABLED=True, BOOKING_RATE_LIMIT="2 per minute")
    client = app.test_client()
    assert submit(client).status_code == 303
    assert submit(client, email="b@example.com").status_code == 303
    response = submit(client, email="c@example.com")
    assert response.status_code == 429
    assert "Too Many Requests" in response.text
    assert count(app, Lead) == 2
    assert client.get("/consultation").status_code == 200  # reading is not limited


def test_corrected_mistakes_do_not_use_up_the_rate_limit(make_app):
    app = make_app(RATELIMIT_ENABLED=True, BOOKING_RATE_LIMIT="2 per minute")
    client = app.test_client()
    for _ in range(4):
        assert submit(client, email="oops").status_code == 400
    assert submit(client).status_code == 303
    assert count(app, Lead) == 1


def test_attribution_comes_from_our_referrer_and_its_utm_tags(app, client):
    referrer = "http://localhost/blog/medical-benefits-of-botox?utm_source=news&utm_medium=email"
    tokens = open_form(client, headers={"Referer": referrer})
    submit(client, tokens)
    (lead,) = leads(app)
    assert lead.source_path == "/blog/medical-benefits-of-botox"
    assert (lead.utm_source, lead.utm_medium) == ("news", "email")


def test_attribution_from_parameter_and_query_utm(app, client):
    tokens = open_form(client, "?from=/treatments/&utm_campaign=spring")
    submit(client, tokens)
    (lead,) = leads(app)
    assert (lead.source_path, lead.utm_campaign) == ("/treatments/", "spring")


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ("", {"Referer": "https://elsewhere.example/page?utm_source=x"}),
        ("?from=https://evil.example/", {}),
        ("?from=//evil.example/x", {}),
    ],
)
def test_foreign_sources_are_not_recorded(app, client, query, headers):
    submit(client, open_form(client, query, headers))
    (lead,) = leads(app)
    assert lead.source_path is None and lead.utm_source is None


SQL_PAYLOADS = [
    "Robert'); DROP TABLE leads;--",
    "' OR '1'='1",
    "1; UPDATE leads SET status='spam'",
    "\\'; SELECT pg_sleep(5);--",
]


@pytest.mark.parametrize("payload", SQL_PAYLOADS)
def test_sql_in_any_field_is_stored_as_plain_text(app, client, payload):
    submit(client, email="earlier@example.com")
    answer = submit(client, first_name=payload, last_name=payload, message=payload)
    assert answer.status_code == 303
    leads = all_rows(app, Lead)
    assert len(leads) == 2 and {lead.status for lead in leads} == {"new"}
    assert (leads[1].first_name, leads[1].message) == (payload, payload)
