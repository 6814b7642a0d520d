"""The audit trail of every action, the admin's activity page, and deleting a lead
for a privacy request so that nothing personal is left behind."""

from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import AuditEvent, Lead, LeadNote, OutboxEmail
from clinic.outbox.delivery import send_due
from clinic.vocabulary import AuditAction
from tests.helpers import TEST_DATABASE_URL, all_rows
from tests.staff.helpers import ADMIN, STAFF, add_lead, csrf_token, every_stored_value

PATIENT = {
    "first_name": "Wilhelmina",
    "last_name": "Quartermaine",
    "email": "wilhelmina.q@example.org",
    "phone": "+17145550987",
    "message": "Migraines since 2019, unique-marker-7731",
    "source_path": "/blog/medical-benefits-of-botox",
    "utm_campaign": "spring-marker-4410",
}


def act(client, lead_id: int, action: str, **data):
    page = client.get(f"/staff/leads/{lead_id}").text
    return client.post(
        f"/staff/leads/{lead_id}/{action}",
        data={"csrf_token": csrf_token(page), **data},
    )


def work_a_lead(client, lead_id: int, staff_id: int) -> None:
    client.get("/staff/leads")
    act(client, lead_id, "status", status="contacted", current="new")
    act(client, lead_id, "notes", body="Spoke to Wilhelmina, unique-marker-7731")
    act(client, lead_id, "assign", assignee=str(staff_id))
    emails = db.session.scalars(select(OutboxEmail.id)).all()
    act(client, lead_id, f"emails/{emails[0]}/resend")
    client.get("/staff/leads.csv")


def test_every_action_is_an_event_with_who_and_when(app, staff_client, staff_id):
    lead_id = add_lead(app, **PATIENT)
    with app.app_context():
        work_a_lead(staff_client, lead_id, staff_id)
    # All but the account's creation (from no one) and its sign-in.
    events = [e for e in all_rows(app, AuditEvent) if e.action != AuditAction.STAFF]
    actions = [e.action for e in events if e.action != AuditAction.SIGN_IN]
    for action in (
        AuditAction.LIST,
        AuditAction.VIEW,
        AuditAction.STATUS,
        AuditAction.NOTE,
        AuditAction.ASSIGN,
        AuditAction.RESEND,
        AuditAction.EXPORT,
    ):
        assert action in actions, action
    assert all(e.staff_id == staff_id and e.created_at for e in events)
    on_lead = {e.action for e in events if e.lead_id == lead_id}
    assert on_lead == {
        AuditAction.VIEW,
        AuditAction.STATUS,
        AuditAction.NOTE,
        AuditAction.ASSIGN,
        AuditAction.RESEND,
    }


def test_the_trail_never_holds_patient_data(app, staff_client, staff_id):
    lead_id = add_lead(app, **PATIENT)
    with app.app_context():
        work_a_lead(staff_client, lead_id, staff_id)
    staff_client.get("/staff/leads?q=Wilhelmina")
    for event in all_rows(app, AuditEvent):
        for value in PATIENT.values():
            assert value not in event.detail


def test_the_lead_shows_its_history(app, staff_client, staff_id):
    lead_id = add_lead(app, **PATIENT)
    with app.app_context():
        work_a_lead(staff_client, lead_id, staff_id)
    page = staff_client.get(f"/staff/leads/{lead_id}").text
    history = page.split('id="history-title"')[1]
    assert f"{STAFF} changed the status: new → contacted" in history
    assert f"{STAFF} added a note" in history
    assert f"{STAFF} viewed the lead" in history
    assert "the patient sent the request" in history


def test_the_first_view_of_a_lead_is_in_the_history_it_shows(app, staff_client):
    lead_id = add_lead(app)
    history = staff_client.get(f"/staff/leads/{lead_id}").text.split(
        'id="history-title"'
    )[1]
    assert history.count(f"{STAFF} viewed the lead") == 1
    views = [e for e in all_rows(app, AuditEvent) if e.action == "view"]
    assert [e.lead_id for e in views] == [lead_id]


def test_the_activity_page_lists_everyone_s_actions_for_admins(
    app, admin_client, staff_client, staff_id
):
    lead_id = add_lead(app, **PATIENT)
    with app.app_context():
        work_a_lead(staff_client, lead_id, staff_id)
    page = admin_client.get("/staff/activity").text
    assert f"<td>{STAFF}</td>" in page and f"<td>{ADMIN}</td>" in page
    assert "exported leads to CSV" in page
    assert f'href="/staff/leads/{lead_id}"' in page
    mine = admin_client.get(f"/staff/activity?staff={staff_id}").text
    assert f"<td>{ADMIN}</td>" not in mine
    assert staff_client.get("/staff/activity").status_code == 403


def delete(client, lead_id: int, **data):
    return act(client, lead_id, "delete", **data)


def test_deleting_needs_the_confirmation_box(app, admin_client):
    lead_id = add_lead(app, **PATIENT)
    answer = delete(admin_client, lead_id)
    assert answer.status_code == 400
    assert "Tick the box to confirm the deletion." in answer.text
    assert len(all_rows(app, Lead)) == 1


def test_deleting_a_lead_leaves_no_personal_data_behind(
    app, admin_client, admin_id, tmp_path
):
    lead_id = add_lead(app, **PATIENT)
    kept_id = add_lead(app, first_name="Kept")
    with app.app_context():
        work_a_lead(admin_client, lead_id, admin_id)
        send_due()  # with no MAIL_SERVER, the emails are written as files
        if not TEST_DATABASE_URL:
            # As SQLite does by itself every thousand pages: the lead is now in the
            # database file, not only in its log.
            with db.engine.connect() as connection:
                connection.exec_driver_sql("COMMIT")
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    mail = Path(app.instance_path) / "mail"
    assert any(PATIENT["email"] in p.read_text() for p in mail.glob("*.eml"))

    answer = delete(admin_client, lead_id, confirm="y")
    assert answer.status_code == 303
    assert f"Lead #{lead_id} and its personal data were deleted." in (
        admin_client.get(answer.location).text
    )
    assert [lead.id for lead in all_rows(app, Lead)] == [kept_id]
    assert all_rows(app, LeadNote) == []
    assert {e.lead_id for e in all_rows(app, OutboxEmail)} == {kept_id}
    stored = every_stored_value(app)
    for value in PATIENT.values():
        assert value not in stored, value
    for path in mail.glob("*.eml"):
        assert PATIENT["email"] not in path.read_text()
    if not TEST_DATABASE_URL:
        # Not in the database file or its log either: overwritten, not just unlinked.
        database = Path(
            app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
        )
        for path in (database, Path(f"{database}-wal")):
            if path.exists():
                raw = path.read_bytes()
                for value in ("wilhelmina.q@example.org", "unique-marker-7731"):
                    assert value.encode() not in raw, (path.name, value)

    (event,) = [e for e in all_rows(app, AuditEvent) if e.action == "delete"]
    assert (event.lead_id, event.staff_id) == (lead_id, admin_id)
    assert admin_client.get(f"/staff/leads/{lead_id}").status_code == 404
    activity = admin_client.get("/staff/activity").text
    assert f"#{lead_id} (deleted)" in activity
    token = csrf_token(admin_client.get("/staff/leads").text)
    again = admin_client.post(
        f"/staff/leads/{lead_id}/delete", data={"csrf_token": token, "confirm": "y"}
    )
    assert again.status_code == 404


def test_deleting_a_patients_data_covers_their_email_and_not_a_shared_phone(
    app, admin_client
):
    first = add_lead(app, **PATIENT)
    again = add_lead(app, **{**PATIENT, "email": "WILHELMINA.Q@example.org"})
    # Someone else who typed the same phone (a family member, or a mistake).
    by_phone = add_lead(
        app, first_name="Other", email="w.q@example.net", phone=PATIENT["phone"]
    )
    spam = add_lead(app, **PATIENT, status="spam", spam_reason="too fast")
    kept = add_lead(
        app, first_name="Kept", email="kept@example.com", phone="+17145550111"
    )
    page = unescape(admin_client.get(f"/staff/leads/{again}").text)
    others = f"(#{first}, #{spam})"
    assert f"the patient's 2 other leads with the same email {others}" in page
    assert "Delete this patient's 3 leads" in page
    hint = page.split('class="same-phone"')[1].split("</section>")[0]
    assert f"#{by_phone} Other" in hint and "never merged, deleted or exported" in hint
    answer = delete(admin_client, again, confirm="y")
    assert answer.status_code == 303
    said = unescape(admin_client.get(answer.location).text)
    ids = f"#{first}, #{again}, #{spam}"
    assert f"The patient's leads {ids} and their personal data were deleted." in said
    assert [lead.id for lead in all_rows(app, Lead)] == [by_phone, kept]
    stored = every_stored_value(app)
    assert PATIENT["email"] not in stored and PATIENT["last_name"] not in stored
    deleted = sorted(
        e.lead_id for e in all_rows(app, AuditEvent) if e.action == "delete"
    )
    assert deleted == sorted([first, again, spam])


@pytest.mark.parametrize(
    "query", ["page=²", "page=٣", "staff=¹", "page=99999999999999", "staff=-1", "page="]
)
def test_the_activity_page_ignores_a_number_it_cannot_use(admin_client, query):
    answer = admin_client.get(f"/staff/activity?{query}")
    assert answer.status_code == 200
