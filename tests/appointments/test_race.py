"""No double booking, however many patients press "Book" at once: the database
refuses overlapping times for one practitioner (an exclusion constraint on
PostgreSQL, triggers on SQLite), proven with real concurrent HTTP requests against
gunicorn on whichever database the suite runs on."""

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, insert, update
from sqlalchemy.exc import IntegrityError, OperationalError

from clinic.extensions import db
from clinic.models import Appointment
from tests.appointments.helpers import (
    Patient,
    add_practitioner,
    appointments,
    book,
    lead_count,
    offered,
)
from tests.helpers import (
    next_open_day,
)
from tests.staff.helpers import add_lead

PATIENTS = 12


def press_at_once(base: str, start: str) -> list[tuple[int, str]]:
    patients = [Patient(base, n) for n in range(PATIENTS)]
    ready = threading.Barrier(PATIENTS)
    with ThreadPoolExecutor(PATIENTS) as pool:
        return list(pool.map(lambda p: p.book(start, ready), patients))


def the_time() -> str:
    return f"{next_open_day(7).isoformat()}T10:00"


def test_many_patients_one_time_one_appointment(app, server):
    add_practitioner(app)
    answers = press_at_once(server, the_time())
    statuses = sorted(status for status, _ in answers)
    assert statuses == [303] + [409] * (PATIENTS - 1), statuses
    (location,) = [where for status, where in answers if status == 303]
    assert "/appointments/" in location
    for status, page in answers:
        if status == 409:
            assert "Someone has just booked that time" in page
    assert len(appointments(app)) == 1
    assert lead_count(app) == 1  # a refused booking stores nothing


def test_two_practitioners_take_two_of_them(app, server):
    add_practitioner(app)
    add_practitioner(app, "ben@clinic.test", "Ben Ortiz, PA-C")
    statuses = sorted(status for status, _ in press_at_once(server, the_time()))
    assert statuses == [303, 303] + [409] * (PATIENTS - 2), statuses
    booked = appointments(app)
    assert len(booked) == 2
    assert len({a.practitioner_id for a in booked}) == 2


# --- the rule itself, below the application -------------------------------------


def raw_insert(app, practitioner_id, lead_id, start, minutes=30, status="booked"):
    with app.app_context():
        db.session.execute(
            insert(Appointment).values(
                public_id=secrets.token_hex(16),
                lead_id=lead_id,
                practitioner_id=practitioner_id,
                starts_at=start,
                ends_at=start + timedelta(minutes=minutes),
                status=status,
                sequence=0,
                created_at=start,
                updated_at=start,
            )
        )
        db.session.commit()


def test_the_database_refuses_overlaps_whatever_the_application_does(app):
    ana = add_practitioner(app)
    ben = add_practitioner(app, "ben@clinic.test", "Ben Ortiz, PA-C")
    lead = add_lead(app, emails=False)
    nine = datetime(2027, 3, 3, 17, 0, tzinfo=UTC)
    raw_insert(app, ana, lead, nine, minutes=45)
    for start in (nine, nine + timedelta(minutes=30), nine - timedelta(minutes=15)):
        with pytest.raises(IntegrityError, match="appointments_no_overlap"):
            raw_insert(app, ana, lead, start)
    raw_insert(app, ana, lead, nine + timedelta(minutes=45))  # back to back
    raw_insert(app, ben, lead, nine)  # another practitioner
    raw_insert(app, ana, lead, nine, status="cancelled")  # holds no time
    # Moving one onto another is refused too.
    with (
        app.app_context(),
        pytest.raises(IntegrityError, match="appointments_no_overlap"),
    ):
        db.session.execute(
            update(Appointment)
            .where(Appointment.practitioner_id == ben)
            .values(practitioner_id=ana)
        )
        db.session.commit()
    with (
        app.app_context(),
        pytest.raises(IntegrityError, match="appointments_no_overlap"),
    ):
        db.session.execute(
            update(Appointment)
            .where(Appointment.status == "cancelled")
            .values(status="booked")
        )
        db.session.commit()
    assert len(appointments(app)) == 4


# --- losing a race inside PostgreSQL ----------------------------------------------


class DeadlockDetected(Exception):
    """What psycopg raises when the server aborts one of two deadlocked inserts."""

    sqlstate = "40P01"


@contextmanager
def deadlock_on_insert(app, practitioner_id: int):
    """Abort the first insert of an appointment for this practitioner as the server
    does the loser of a deadlock: two patients' inserts each waiting on the other's
    new row in the exclusion constraint's index."""
    fired = []

    def abort(conn, cursor, statement, parameters, context, executemany):
        if (
            not fired
            and statement.lstrip().upper().startswith("INSERT INTO APPOINTMENTS")
            and practitioner_id
            in (parameters.values() if isinstance(parameters, dict) else parameters)
        ):
            fired.append(statement)
            raise OperationalError(statement, parameters, DeadlockDetected())

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", abort)
    try:
        yield fired
    finally:
        event.remove(engine, "before_cursor_execute", abort)


def test_a_lost_deadlock_moves_on_to_the_next_practitioner(app, client, clock):
    ana = add_practitioner(app)
    add_practitioner(app, "ben@clinic.test", "Ben Ortiz, PA-C")
    start = offered(client.get("/consultation?preferred_date=2027-03-03").text)[0]
    with deadlock_on_insert(app, ana) as fired:
        answer = book(client, start, treatment="botox-hyperhidrosis")
    assert fired and answer.status_code == 303
    (booked,) = appointments(app)
    assert booked.practitioner_id != ana


def test_a_lost_deadlock_for_the_last_practitioner_is_a_taken_time(app, client, clock):
    ana = add_practitioner(app)
    start = offered(client.get("/consultation?preferred_date=2027-03-03").text)[0]
    with deadlock_on_insert(app, ana) as fired:
        answer = book(client, start, treatment="botox-hyperhidrosis")
    assert fired
    assert answer.status_code == 409  # not 503: the database is fine
    assert "Someone has just booked that time" in answer.text
    assert appointments(app) == [] and lead_count(app) == 0
