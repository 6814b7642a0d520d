"""An id means one patient, forever: a lead, appointment, note, email or activity
record deleted never hands its id to the next one, on SQLite and PostgreSQL; and an
install upgraded from before keeps every row, key, trigger and index, and never
hands out an id its activity log already names."""

import sqlite3

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete, select

from clinic.appointments import changes
from clinic.extensions import db
from clinic.leads import workflow
from clinic.models import Appointment, AuditEvent, Lead, LeadNote, OutboxEmail
from clinic.vocabulary import AuditAction
from tests.appointments.helpers import add_practitioner, local
from tests.helpers import TEST_DATABASE_URL
from tests.staff.helpers import add_lead, create_account


def newest(model) -> int:
    return db.session.scalar(select(model.id).order_by(model.id.desc()).limit(1))


def test_a_deleted_newest_leads_ids_are_not_handed_on(app, time_machine):
    time_machine.move_to(local("2027-03-01T08:00"), tick=False)
    add_practitioner(app)
    staff = create_account(app, "desk@clinic.test")
    add_lead(app, email="first@example.com")
    erased = add_lead(app, email="erased@example.com")
    with app.app_context():
        lead = db.session.get(Lead, erased)
        changes.book(lead, local("2027-03-03T10:00"))
        db.session.add(LeadNote(lead_id=erased, author_id=staff, body="Called."))
        db.session.commit()
        before = {m: newest(m) for m in (Lead, Appointment, LeadNote, OutboxEmail)}
        workflow.delete(db.session.get(Lead, erased))
        last_event = newest(AuditEvent)
        db.session.execute(delete(AuditEvent).where(AuditEvent.id == last_event))
        db.session.commit()

    later = add_lead(app, email="next@example.com")
    assert later > erased
    with app.app_context():
        lead = db.session.get(Lead, later)
        changes.book(lead, local("2027-03-03T10:00"))
        db.session.add(LeadNote(lead_id=later, author_id=staff, body="Called."))
        db.session.add(AuditEvent(lead_id=later, action=AuditAction.VIEW))
        db.session.commit()
        for model, last in before.items():
            assert newest(model) > last, model
        assert newest(AuditEvent) > last_event
        # The new patient inherits no history: only their own event names them.
        theirs = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.lead_id == later)
        ).all()
        assert theirs == [AuditAction.VIEW]


@pytest.mark.skipif(TEST_DATABASE_URL is not None, reason="an SQLite file's upgrade")
def test_an_upgraded_sqlite_install_keeps_its_rows_and_never_reuses_an_erased_id(
    make_app, tmp_path, time_machine
):
    time_machine.move_to(local("2027-03-01T08:00"), tick=False)
    app = make_app()
    with app.app_context():
        from flask_migrate import downgrade

        downgrade(revision="a8b9c0d1e2f3")
    path = tmp_path / "clinic.sqlite3"
    practitioner = add_practitioner(app)
    kept = add_lead(app, email="kept@example.com")
    raw = sqlite3.connect(path)
    # As that version stored a booking (the models now have later columns).
    raw.execute(
        "INSERT INTO appointments (public_id, lead_id, practitioner_id, starts_at, "
        "ends_at, status, sequence, created_at, updated_at) VALUES ('p1', ?, ?, "
        "'2027-03-03 18:00:00.000000', '2027-03-03 18:45:00.000000', 'booked', 0, "
        "'2027-03-01 16:00:00.000000', '2027-03-01 16:00:00.000000')",
        (kept, practitioner),
    )
    # Lead #9 was erased before the upgrade: only the activity log remembers it.
    raw.execute(
        "INSERT INTO audit_events (created_at, lead_id, action, detail) "
        "VALUES ('2026-01-01 00:00:00', 9, 'delete', 'erased')"
    )
    raw.commit()
    counts = {
        table: raw.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in ("leads", "appointments", "outbox_emails", "audit_events")
    }
    raw.close()

    with app.app_context():
        upgrade()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA foreign_keys=ON")
    for table, count in counts.items():
        assert raw.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == count
        create = raw.execute(
            "SELECT sql FROM sqlite_master WHERE name = ?", (table,)
        ).fetchone()[0]
        assert "AUTOINCREMENT" in create
    assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    names = {row[0] for row in raw.execute("SELECT name FROM sqlite_master")}
    assert {
        "appointments_no_overlap_insert",
        "appointments_no_overlap_update",
        "ix_leads_open_queue",
        "ix_leads_email_lower",
        "ix_outbox_emails_status_id",
    } <= names
    raw.close()

    # The overlap trigger still refuses a second booking of the same time...
    other = add_lead(app, email="other@example.com")
    assert other > 9  # above the id the activity log remembers
    with app.app_context():
        with pytest.raises(changes.TimeTaken):
            changes.book(db.session.get(Lead, other), local("2027-03-03T10:00"))
        db.session.rollback()
        # ...and deleting a lead still takes its appointment and emails with it.
        workflow.delete(db.session.get(Lead, kept))
        assert db.session.scalars(select(Appointment)).all() == []
        assert (
            db.session.scalars(
                select(OutboxEmail).where(OutboxEmail.lead_id == kept)
            ).all()
            == []
        )
