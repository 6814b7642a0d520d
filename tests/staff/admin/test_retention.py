"""Retention: leads whose work is over are removed after their period, by
`flask leads purge` and by the outbox worker, leaving no personal data behind; and a
patient's privacy request, found, exported and erased from one admin page."""

import json
import re
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from clinic.extensions import db
from clinic.models import AuditEvent, Lead
from clinic.outbox.cli import daily_chores
from clinic.outbox.delivery import send_due
from clinic.outbox.runner import Runner
from tests.helpers import TEST_DATABASE_URL, all_rows
from tests.staff.helpers import add_lead, csrf_token, every_stored_value, old_lead

OLD = datetime.now(UTC) - timedelta(days=800)
MARKERS = ("Wilhelmina-7731", "retention-marker-4409@example.org")


def checkpoint(app) -> None:
    """Move SQLite's log into the database file, as it does by itself in time."""
    if not TEST_DATABASE_URL:
        with app.app_context(), db.engine.connect() as connection:
            connection.exec_driver_sql("COMMIT")
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def test_purge_removes_only_what_is_past_its_period(app, admin_id):
    doomed = [
        old_lead(app, "closed", first_name=MARKERS[0], email=MARKERS[1]),
        old_lead(app, "cancelled"),
        old_lead(app, "spam", days=31),
    ]
    kept = [
        old_lead(app, "new"),  # still to be worked, however old
        old_lead(app, "contacted"),
        old_lead(app, "closed", days=700),
        old_lead(app, "spam", days=29),
    ]
    with app.app_context():
        send_due()  # with no MAIL_SERVER, copies are written as .eml files
    checkpoint(app)
    mail = Path(app.instance_path) / "mail"
    assert any(MARKERS[1] in p.read_text() for p in mail.glob("*.eml"))

    runner = app.test_cli_runner()
    dry = runner.invoke(args=["leads", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would remove 3 leads" in dry.output
    for lead_id in doomed:
        assert f"#{lead_id} " in dry.output
    assert len(all_rows(app, Lead)) == 7  # a dry run removes nothing

    done = runner.invoke(args=["leads", "purge"])
    assert done.exit_code == 0 and "Removed 3 leads" in done.output
    assert sorted(lead.id for lead in all_rows(app, Lead)) == sorted(kept)
    stored = every_stored_value(app)
    for marker in MARKERS:
        assert marker not in stored
    for path in mail.glob("*.eml"):
        assert MARKERS[1] not in path.read_text()
    if not TEST_DATABASE_URL:
        database = Path(
            app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
        )
        for path in (database, Path(f"{database}-wal")):
            if path.exists():
                raw = path.read_bytes()
                for marker in MARKERS:
                    assert marker.encode() not in raw, (path.name, marker)
    # A record of each deletion, without personal data, and of the purge.
    deleted = [e for e in all_rows(app, AuditEvent) if e.action == "delete"]
    assert sorted(e.lead_id for e in deleted) == sorted(doomed)
    assert all("retention period" in e.detail for e in deleted)
    assert any(e.action == "purge" for e in all_rows(app, AuditEvent))
    again = runner.invoke(args=["leads", "purge"])
    assert "Removed 0 leads" in again.output


def test_old_activity_records_are_removed_after_their_period(make_app):
    app = make_app(AUDIT_RETENTION_DAYS=365)
    with app.app_context():
        db.session.add(AuditEvent(action="list", created_at=OLD))
        db.session.add(AuditEvent(action="list"))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["leads", "purge"])
    assert "and 1 activity records" in result.output
    actions = sorted(e.action for e in all_rows(app, AuditEvent))
    assert actions == ["audit_purge", "list"]


def test_no_retention_period_keeps_everything(make_app):
    app = make_app(LEAD_RETENTION_DAYS=None, SPAM_RETENTION_DAYS=None)
    old_lead(app, "closed", days=5000)
    app.test_cli_runner().invoke(args=["leads", "purge"])
    assert len(all_rows(app, Lead)) == 1


@pytest.mark.parametrize("days", [0, -5, "730", 1.5, True])
def test_a_retention_period_must_be_whole_days(make_app, days):
    with pytest.raises(RuntimeError, match="LEAD_RETENTION_DAYS"):
        make_app(LEAD_RETENTION_DAYS=days)


def test_the_outbox_worker_purges_once_a_day(app):
    old_lead(app, "closed")
    stop = threading.Event()
    runner = Runner(app, stop, 5, daily=daily_chores)  # due at once: no daily_at
    runner.step()
    assert all_rows(app, Lead) == []
    old_lead(app, "closed")
    runner.step()  # not due again for a day
    assert len(all_rows(app, Lead)) == 1
    runner.daily_due = 0
    runner.step()
    assert all_rows(app, Lead) == []


def test_the_privacy_notice_states_the_periods(make_app):
    app = make_app(LEAD_RETENTION_DAYS=730, SPAM_RETENTION_DAYS=30)
    page = app.test_client().get("/privacy").text
    assert "removes it by itself 2 years after it arrived" in page
    assert "is removed after 30 days" in page.replace("\n", " ")
    assert "{lead_retention}" not in page
    assert "a file a computer can read" in page


PATIENT = {
    "first_name": "Ottoline",
    "last_name": "Privacy-5521",
    "email": "ottoline.p@example.org",
    "phone": "+17145550188",
}


def search(client, contact: str):
    token = csrf_token(client.get("/staff/privacy").text)
    return client.post("/staff/privacy", data={"csrf_token": token, "contact": contact})


def ticked_on(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'name="lead" value="(\d+)"[^>]* checked', page)]


def listed_on(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'name="lead" value="(\d+)"', page)]


def act(client, path: str, contact: str, leads: list[int], **extra):
    token = csrf_token(client.get("/staff/privacy").text)
    data = {"csrf_token": token, "contact": contact, "lead": leads, **extra}
    return client.post(path, data=data)


def test_a_patients_request_is_found_exported_and_erased(app, admin_client):
    first = add_lead(app, **PATIENT)
    again = add_lead(app, **{**PATIENT, "email": "OTTOLINE.P@Example.org"})
    spam = add_lead(app, status="spam", **PATIENT)
    # Another patient who typed the same phone number, with her own message.
    other = add_lead(
        app,
        first_name="Bea",
        email="bea@example.org",
        phone=PATIENT["phone"],
        message="Bea's own health question",
    )
    stranger = add_lead(app, email="someone@example.org", phone="+17145550100")

    found = search(admin_client, "ottoline.p@EXAMPLE.org")
    assert found.status_code == 200
    assert listed_on(found.text) == [first, again, spam, other]
    assert ticked_on(found.text) == [first, again, spam]  # the proven email only
    row = found.text.split(f'value="{other}"')[1].split("</tr>")[0]
    assert "Not the contact the requester proved" in row and "names differ" in row
    nothing = search(admin_client, "nobody@example.org")
    assert "Nothing found" in nothing.text
    for bad, said in (
        ("", "Enter the patient"),
        ("x" * 300, "too long"),
        ("a\x00b", ""),
    ):
        answer = search(admin_client, bad)
        assert answer.status_code == 400 and said in answer.text

    # The access export holds what was ticked, and never the other patient.
    export = act(
        admin_client, "/staff/privacy/export", PATIENT["email"], [first, again, spam]
    )
    assert export.mimetype == "application/json"
    assert "attachment" in export.headers["Content-Disposition"]
    data = json.loads(export.data)
    assert sorted(r["reference"] for r in data["requests"]) == [first, again, spam]
    assert "Bea" not in export.get_data(as_text=True)
    assert data["requests"][0]["last_name"] == "Privacy-5521"
    exported = [e for e in all_rows(app, AuditEvent) if e.action == "privacy_export"]
    assert len(exported) == 3
    assert all("Privacy-5521" not in e.detail for e in exported)
    # An id that the contact does not find (forged, or another patient's) is ignored.
    forged = act(admin_client, "/staff/privacy/export", PATIENT["email"], [stranger])
    assert forged.status_code == 303

    unconfirmed = act(admin_client, "/staff/privacy/erase", PATIENT["email"], [first])
    assert unconfirmed.status_code == 400 and "Tick the box" in unconfirmed.text
    assert ticked_on(unconfirmed.text) == [first]  # the admin's ticks are kept
    assert len(all_rows(app, Lead)) == 5
    erased = act(
        admin_client,
        "/staff/privacy/erase",
        PATIENT["email"],
        [first, again, spam, stranger],
        confirm="y",
    )
    assert erased.status_code == 303
    assert "Erased the patient" in admin_client.get(erased.location).text
    assert [lead.id for lead in all_rows(app, Lead)] == [other, stranger]
    stored = every_stored_value(app)
    assert "Privacy-5521" not in stored and "ottoline.p@example.org" not in stored
    assert "Bea's own health question" in stored
    deleted = [e for e in all_rows(app, AuditEvent) if e.action == "delete"]
    assert len(deleted) == 3


def test_a_shared_phone_finds_candidates_that_are_not_ticked(app, admin_client):
    """The form's own example number, typed by many: a search by it lists every
    lead with it, ticks none whose names or emails differ, and chains no further."""
    example = "+17145550123"
    ids = [
        add_lead(app, first_name=name, email=f"{name}@example.org", phone=example)
        for name in ("ana", "bea", "cy")
    ]
    # Ana's other lead, with her own phone: found through her email, as a candidate.
    ana_elsewhere = add_lead(
        app, first_name="ana", email="ana@example.org", phone="+17145550177"
    )
    # Someone sharing that second phone: two steps away, never listed.
    two_steps = add_lead(app, email="dee@example.org", phone="+17145550177")
    found = search(admin_client, "(714) 555-0123")
    assert listed_on(found.text) == [*ids, ana_elsewhere]
    assert ticked_on(found.text) == []
    assert two_steps not in listed_on(found.text)
    assert "The names differ; the emails differ" in found.text


def test_one_patient_found_by_phone_is_ticked(app, admin_client):
    alone = add_lead(app, **PATIENT)
    found = search(admin_client, "714.555.0188")
    assert ticked_on(found.text) == [alone]


def test_a_unicode_domain_finds_what_the_form_stored(app, admin_client):
    from tests.helpers import open_form, submit

    client = app.test_client()
    assert (
        submit(client, open_form(client), email="zoë@bücher.example").status_code == 400
    )
    assert (
        submit(client, open_form(client), email="zoe@bücher.example").status_code == 303
    )
    (lead,) = all_rows(app, Lead)
    assert lead.email == "zoe@xn--bcher-kva.example"
    for typed in (
        "zoe@bücher.example",
        "ZOE@BÜCHER.example",
        "zoe@xn--bcher-kva.example",
    ):
        assert ticked_on(search(admin_client, typed).text) == [lead.id], typed


def test_staff_cannot_reach_privacy_requests(app, staff_client):
    add_lead(app, **PATIENT)
    assert staff_client.get("/staff/privacy").status_code == 403
