"""Retention never cancels an appointment silently and keeps nothing for ever: a
lead with an appointment to come is not closed (or merged, or called spam) until
the appointment is cancelled, the purge never removes one, completed and no-show
leads go on the same clock as closed ones, and leads open past it are reported."""

from datetime import UTC, datetime, timedelta

import pytest

from clinic.appointments import changes
from clinic.extensions import db
from clinic.leads import retention
from clinic.models import Appointment, Lead, OutboxEmail
from clinic.vocabulary import AppointmentStatus, EmailKind, LeadStatus
from tests.appointments.helpers import add_practitioner
from tests.helpers import all_rows
from tests.staff.helpers import add_lead, csrf_token, old_lead


def book_ahead(app, lead_id: int, days: int = 3) -> None:
    """An appointment a few days ahead, booked by the front desk."""
    with app.app_context():
        lead = db.session.get(Lead, lead_id)
        start = changes.availability.day_slots(
            changes.availability.today() + timedelta(days=days), None, notice=False
        )[0].start
        changes.book(lead, start, notice=False)
        db.session.commit()


@pytest.fixture
def booked_lead(app):
    add_practitioner(app)
    lead_id = add_lead(app, treatment="botox-hyperhidrosis")
    for days in range(3, 10):  # the next day the clinic is open
        try:
            book_ahead(app, lead_id, days)
            return lead_id
        except IndexError:
            continue
    raise AssertionError("no open day in a week")


def change(client, lead_id: int, status: str, current: str):
    page = client.get(f"/staff/leads/{lead_id}").text
    return client.post(
        f"/staff/leads/{lead_id}/status",
        data={"csrf_token": csrf_token(page), "status": status, "current": current},
        follow_redirects=True,
    )


@pytest.mark.parametrize(
    "steps",
    [
        [("closed", "scheduled")],
        [("completed", "scheduled")],
        # Back to contacted is fine; spam from there is not, while the time stands.
        [("contacted", "scheduled"), ("spam", "contacted")],
        [("contacted", "scheduled"), ("closed", "contacted")],
    ],
)
def test_a_lead_with_an_appointment_to_come_is_not_ended(
    app, staff_client, booked_lead, steps
):
    *allowed, (status, current) = steps
    for step in allowed:
        change(staff_client, booked_lead, *step)
    answer = change(staff_client, booked_lead, status, current)
    assert "has an appointment to come: cancel it first" in answer.text
    (lead,) = all_rows(app, Lead)
    assert lead.status == LeadStatus(current)
    (appointment,) = all_rows(app, Appointment)
    assert appointment.status == AppointmentStatus.BOOKED
    kinds = [e.kind for e in all_rows(app, OutboxEmail)]
    assert EmailKind.CANCELLATION not in kinds


def test_a_lead_with_an_appointment_to_come_is_not_merged_away(
    app, staff_client, booked_lead
):
    first = add_lead(
        app,
        treatment="botox-hyperhidrosis",
        created_at=datetime.now(UTC) - timedelta(days=9),
    )
    page = staff_client.get(f"/staff/leads/{booked_lead}").text
    answer = staff_client.post(
        f"/staff/leads/{booked_lead}/merge",
        data={"csrf_token": csrf_token(page), "into": first},
        follow_redirects=True,
    )
    assert "has an appointment to come: cancel it first" in answer.text
    assert {lead.id: lead.status for lead in all_rows(app, Lead)}[booked_lead] == (
        LeadStatus.SCHEDULED
    )


def test_after_cancelling_the_appointment_the_lead_closes(
    app, staff_client, booked_lead
):
    page = staff_client.get(f"/staff/leads/{booked_lead}").text
    cancelled = staff_client.post(
        f"/staff/leads/{booked_lead}/appointment/cancel",
        data={"csrf_token": csrf_token(page)},
    )
    assert cancelled.status_code == 303
    page = staff_client.get(f"/staff/leads/{booked_lead}").text
    closed = staff_client.post(
        f"/staff/leads/{booked_lead}/status",
        data={
            "csrf_token": csrf_token(page),
            "status": "closed",
            "current": "cancelled",
        },
    )
    assert closed.status_code == 303
    assert all_rows(app, Lead)[0].status == LeadStatus.CLOSED
    kinds = [e.kind for e in all_rows(app, OutboxEmail)]
    assert kinds.count(EmailKind.CANCELLATION) == 1  # the patient was told


def test_the_purge_never_removes_an_appointment_to_come(app, booked_lead):
    # A lead closed before this rule, with its appointment still to come, and old.
    with app.app_context():
        lead = db.session.get(Lead, booked_lead)
        lead.status = LeadStatus.CLOSED
        lead.created_at = datetime.now(UTC) - timedelta(days=800)
        db.session.commit()
        found = retention.purge()
    assert found.leads == [] and [row[0] for row in found.kept] == [booked_lead]
    (appointment,) = all_rows(app, Appointment)
    assert appointment.status == AppointmentStatus.BOOKED


def test_completed_and_no_show_leads_go_on_the_same_clock(app):
    doomed = [old_lead(app, "completed"), old_lead(app, "no_show")]
    young = [old_lead(app, "completed", days=700), old_lead(app, "no_show", days=700)]
    with app.app_context():
        found = retention.purge()
    assert sorted(row[0] for row in found.leads) == sorted(doomed)
    assert [lead.id for lead in all_rows(app, Lead)] == young


def test_leads_open_past_the_period_are_reported_to_the_clinic(app):
    stale = [old_lead(app, "new"), old_lead(app, "contacted")]
    old_lead(app, "new", days=700)
    result = app.test_cli_runner().invoke(args=["leads", "purge", "--dry-run"])
    assert "Kept 2 leads past 730 days that are still open" in result.output
    for lead_id in stale:
        assert f"#{lead_id} " in result.output
    assert not [
        e for e in all_rows(app, OutboxEmail) if e.kind == EmailKind.RETENTION_REPORT
    ]
    app.test_cli_runner().invoke(args=["leads", "purge"])
    (report,) = [
        e for e in all_rows(app, OutboxEmail) if e.kind == EmailKind.RETENTION_REPORT
    ]
    assert report.subject == "2 leads kept past 730 days"
    assert all(f"#{lead_id} " in report.body for lead_id in stale)
    assert "/staff/leads?view=all" in report.body
    assert len(all_rows(app, Lead)) == 3  # reported, never removed
