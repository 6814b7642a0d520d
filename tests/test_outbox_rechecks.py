"""A cancellation always wins: an email about an appointment that a sender had
already claimed is looked at again just before it goes, and is not sent once the
appointment is cancelled (or the reminder withdrawn); the cancellation itself is."""

from datetime import timedelta

import pytest
import time_machine

from clinic import clock
from clinic.appointments import changes
from clinic.extensions import db
from clinic.models import Appointment, Lead, OutboxEmail
from clinic.outbox import delivery, transport
from clinic.vocabulary import EmailKind, EmailStatus
from tests.appointments.helpers import MONDAY, add_practitioner, local
from tests.helpers import run_send
from tests.staff.helpers import add_lead


@pytest.fixture
def booked(mail_app):  # noqa: F811 - the fixture imported above
    with time_machine.travel(MONDAY, tick=False) as clock:
        app = mail_app()
        add_practitioner(app)
        lead_id = add_lead(app, emails=False)
        with app.app_context():
            lead = db.session.get(Lead, lead_id)
            appointment = changes.book(lead, local("2027-03-03T10:00"))
            db.session.commit()
            appointment_id = appointment.id
        yield app, appointment_id, clock


def claim(app, kind: EmailKind):
    with app.app_context():
        email_id = delivery.claim_next(clock.utcnow())
        assert db.session.get(OutboxEmail, email_id).kind == kind
        return email_id


def cancel(app, appointment_id: int) -> None:
    with app.app_context():
        changes.cancel(db.session.get(Appointment, appointment_id), by_patient=False)
        db.session.commit()


def deliver(app, email_id: int) -> delivery.Outcome:
    with app.app_context(), transport.Courier() as courier:
        return delivery.deliver(email_id, clock.utcnow(), courier)


def status_of(app, email_id: int) -> EmailStatus:
    with app.app_context():
        return db.session.get(OutboxEmail, email_id).status


def test_a_claimed_reminder_is_not_sent_after_a_cancellation(booked, smtp):
    app, appointment_id, clock = booked
    run_send(app)  # the confirmation
    assert len(smtp.envelopes) == 1
    clock.move_to(local("2027-03-02T10:00") + timedelta(minutes=1))  # reminder due
    reminder = claim(app, EmailKind.REMINDER)
    cancel(app, appointment_id)  # while the sender holds the reminder
    assert deliver(app, reminder) is delivery.Outcome.WITHDRAWN
    assert status_of(app, reminder) == EmailStatus.WITHDRAWN
    run_send(app)
    subjects = [e.content.decode() for e in smtp.envelopes]
    assert len(subjects) == 2 and "cancel" in subjects[1].lower()


def test_a_claimed_confirmation_of_a_cancelled_appointment_is_not_sent(booked, smtp):
    app, appointment_id, _ = booked
    confirmation = claim(app, EmailKind.CONFIRMATION)
    cancel(app, appointment_id)
    assert deliver(app, confirmation) is delivery.Outcome.WITHDRAWN
    report = run_send(app)
    assert report.sent == 1  # the cancellation, alone
    with app.app_context():
        kinds = {e.kind: e.status for e in db.session.query(OutboxEmail).all()}
    assert kinds[EmailKind.CANCELLATION] == EmailStatus.SENT
    assert kinds[EmailKind.REMINDER] == EmailStatus.WITHDRAWN


def test_a_sent_email_is_recorded_before_the_next_is_claimed(booked, smtp, monkeypatch):
    """Recorded at once, not with the next claim: a sender killed between the two
    would otherwise send that email again once its lease ran out."""
    app, appointment_id, _ = booked
    add_lead(app)  # two more emails due: the clinic's and the acknowledgement
    claimed = delivery.claim_next
    unrecorded_at_claim = []

    def watching(*args, **kwargs):
        # A leased row is one a sender holds: claimed, and not yet recorded.
        held = db.session.query(OutboxEmail).filter(OutboxEmail.lease_until.isnot(None))
        unrecorded_at_claim.append(held.count())
        return claimed(*args, **kwargs)

    monkeypatch.setattr(delivery, "claim_next", watching)
    with app.app_context():
        assert delivery.send_due().sent == 3
    # At every claim, no email the run had sent was still held unrecorded.
    assert unrecorded_at_claim == [0, 0, 0, 0]
