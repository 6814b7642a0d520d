"""Clocks are not trusted with data: a form shown "in the future" (the clock stepped
back since) is no spam; a purge whose clock runs a month or two years ahead removes
nothing; and a sender whose clock runs fast takes no email another sender holds."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from clinic.clock import database_now
from clinic.extensions import db
from clinic.leads import retention
from clinic.models import Lead, OutboxEmail
from clinic.outbox import delivery
from clinic.vocabulary import EmailStatus, LeadStatus
from tests.helpers import TEST_DATABASE_URL, all_rows, hidden_fields, open_form, submit
from tests.staff.helpers import add_lead, old_lead


def test_a_form_shown_before_the_clock_stepped_back_is_no_spam(make_app):
    app = make_app(BOOKING_MIN_SECONDS=3)
    client = app.test_client()
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False) as clock:
        tokens = open_form(client)
        clock.move_to(start - timedelta(minutes=10))  # NTP steps the clock back
        first = submit(client, tokens)
        # The page's CSRF token is "from the future": the form comes back with the
        # details kept and a fresh token; sent again, it is stored.
        if first.status_code == 400:
            assert "send the form again" in first.text
            first = submit(client, hidden_fields(first.text))
        assert first.status_code == 303
    (lead,) = all_rows(app, Lead)
    assert lead.status == LeadStatus.NEW and lead.spam_reason is None
    assert len(all_rows(app, OutboxEmail)) == 2  # the clinic's email and the patient's


def test_a_form_sent_too_fast_is_still_spam(make_app):
    app = make_app(BOOKING_MIN_SECONDS=3)
    client = app.test_client()
    with time_machine.travel(datetime.now(UTC), tick=False):
        assert submit(client, open_form(client)).status_code == 303
    (lead,) = all_rows(app, Lead)
    assert lead.status == LeadStatus.SPAM


@pytest.fixture
def app(make_app):
    return make_app(CLOCK_FROM_DATABASE=True)


@pytest.mark.parametrize("days_fast", [31, 731])
def test_a_purge_on_a_fast_clock_removes_nothing(app, days_fast):
    fresh_spam = add_lead(app, status="spam")
    closed = old_lead(app, "closed", days=700)
    with time_machine.travel(datetime.now(UTC) + timedelta(days=days_fast)):
        with app.app_context():
            found = retention.purge()
        result = app.test_cli_runner().invoke(args=["leads", "purge"])
    assert sorted(lead.id for lead in all_rows(app, Lead)) == [fresh_spam, closed]
    if TEST_DATABASE_URL is None:
        # SQLite has no clock of its own: the data gives the fast one away.
        assert found.refused and "nothing was removed" in found.refused
        assert result.exit_code != 0 and "Purge refused" in result.output
    else:
        assert found.refused is None and found.leads == []  # the server's clock


def test_a_purge_on_a_right_clock_still_works(app):
    doomed = old_lead(app, "closed", days=800)
    kept = add_lead(app)
    with app.app_context():
        found = retention.purge()
    assert found.refused is None and [row[0] for row in found.leads] == [doomed]
    assert [lead.id for lead in all_rows(app, Lead)] == [kept]


@pytest.mark.skipif(
    TEST_DATABASE_URL is None,
    reason="SQLite has no clock but this machine's: every sender shares it",
)
def test_a_sender_whose_clock_runs_fast_takes_no_held_email(app):
    add_lead(app)
    with app.app_context():
        held = delivery.claim_next(database_now())  # a live sender's lease
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=20)):
        with app.app_context():
            report = delivery.send_due()
    assert report.sent == 1  # the other email, free to take
    with app.app_context():
        email = db.session.get(OutboxEmail, held)
        assert email.status == EmailStatus.PENDING and email.lease_until is not None
