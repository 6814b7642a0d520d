"""The sender is woken by the commit that stores an email, whoever made it: no view
has to remember to wake it, and a transaction rolled back wakes nothing."""

import pytest

from clinic.extensions import db
from clinic.outbox.queue import enqueue_clinic_alert, enqueue_lead_emails
from clinic.vocabulary import EmailKind
from tests.helpers import submit
from tests.staff.helpers import add_lead


@pytest.fixture
def sending_app(make_app, smtp_port):
    """An app whose own background sender delivers to the test's SMTP server."""
    app = make_app(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port, OUTBOX_SEND_IN_BACKGROUND=True
    )
    yield app
    if "outbox_sender" in app.extensions:
        app.extensions["outbox_sender"].stop()


def alert() -> None:
    enqueue_clinic_alert(EmailKind.BOOKING_ALERT, "Look", "Something to see.", "/")


def test_an_email_added_in_any_transaction_is_sent_once_it_commits(sending_app, smtp):
    with sending_app.app_context():
        alert()
        db.session.commit()
    assert smtp.wait_for(1)
    assert smtp.envelopes[0].rcpt_tos == ["frontdesk@clinic.test"]


def test_emails_written_by_a_bulk_insert_wake_the_sender_too(sending_app, smtp):
    lead_id = add_lead(sending_app, emails=False)
    with sending_app.app_context():
        enqueue_lead_emails(lead_id)  # one INSERT statement, which no flush sees
        db.session.commit()
    assert smtp.wait_for(2)


def test_a_rolled_back_email_wakes_nobody(sending_app, smtp):
    with sending_app.app_context():
        alert()
        db.session.flush()
        db.session.rollback()
        db.session.commit()  # a later commit with no email in it
    assert "outbox_sender" not in sending_app.extensions
    assert smtp.envelopes == []


def test_a_commit_without_email_starts_no_sender(sending_app):
    add_lead(sending_app, emails=False)
    assert "outbox_sender" not in sending_app.extensions


def test_a_patients_request_is_emailed_with_no_call_in_the_view(sending_app, smtp):
    assert submit(sending_app.test_client()).status_code == 303
    assert smtp.wait_for(2)
    kinds = sorted(e.rcpt_tos[0] for e in smtp.envelopes)
    assert kinds == ["ana@example.com", "frontdesk@clinic.test"]
