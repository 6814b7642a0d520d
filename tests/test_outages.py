"""Outages say so: a database that is gone, full or read-only answers 503 with
Retry-After and a phone number (the consultation form keeps what the patient typed),
and the outbox worker outlives the database going away and coming back."""

import contextlib
import itertools
import os
import select
import signal
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import event

from clinic.extensions import db
from clinic.models import Lead, OutboxEmail
from tests.helpers import (
    StallingInbox,
    all_rows,
    open_form,
    outbox_command,
    parsed,
    submit,
    valid_form,
)
from tests.services import PG_BIN, PostgreSQL
from tests.staff.helpers import sign_in

needs_postgresql = pytest.mark.skipif(PG_BIN is None, reason="PostgreSQL missing")
names = (f"outage_{n}" for n in itertools.count())


@pytest.fixture(scope="module")
def own_postgresql():
    server = PostgreSQL()
    yield server
    server.remove()


@pytest.fixture
def restarting_postgresql(own_postgresql):
    """The module's server, started again if a test left it stopped."""
    yield own_postgresql
    try:
        own_postgresql.start()
    except Exception:  # noqa: BLE001 - already running
        pass


def assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"
    assert 'href="tel:+17147776625"' in response.text


def on_each_connection(app, pragma: str) -> None:
    """Give every new connection of the app's SQLite engine a pragma."""
    with app.app_context():

        @event.listens_for(db.engine, "connect")
        def apply(dbapi_connection, _record):
            dbapi_connection.execute(pragma)

        db.engine.dispose()


sqlite_only = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")), reason="SQLite file conditions"
)


def stored_emails(app) -> list[str]:
    """Read past the app's engine, whose every transaction may now fail."""
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    with contextlib.closing(sqlite3.connect(path)) as stored:
        return [email for (email,) in stored.execute("SELECT email FROM leads")]


def send_second_request(app, client):
    tokens = open_form(client)
    response = client.post(
        "/consultation",
        data={**tokens, **valid_form(email="second@example.com", message="Evenings")},
    )
    assert_unavailable(response)
    assert "We could not save your request just now" in response.text
    assert 'value="second@example.com"' in response.text and "Evenings" in response.text


@sqlite_only
def test_a_read_only_database_answers_503_and_keeps_the_form(make_app):
    app = make_app()
    client = app.test_client()
    assert submit(client, email="first@example.com").status_code == 303
    on_each_connection(app, "PRAGMA query_only = ON")
    send_second_request(app, client)
    assert stored_emails(app) == ["first@example.com"]


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB file system of the test's own (tmpfs; mounting needs root)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", disk], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system: {mounted.stderr!r}")
    yield disk
    subprocess.run(["umount", "-l", disk], check=True)


def fill(disk: Path) -> None:
    """Take every free byte left on the file system."""
    descriptor = os.open(disk / "filler", os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        for size in (65536, 4096, 512, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(descriptor, b"\0" * size)
    finally:
        os.close(descriptor)


@sqlite_only
def test_a_full_disk_answers_503_and_keeps_the_form(make_app, small_disk):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{small_disk / 'clinic.sqlite3'}")
    client = app.test_client()
    assert submit(client, email="first@example.com").status_code == 303
    fill(small_disk)
    send_second_request(app, client)
    (small_disk / "filler").unlink()  # room again: the same form goes through
    assert submit(client, email="second@example.com").status_code == 303
    assert stored_emails(app) == ["first@example.com", "second@example.com"]


@needs_postgresql
def test_a_database_that_is_gone_answers_503(make_app, restarting_postgresql):
    app = make_app(
        SQLALCHEMY_DATABASE_URI=restarting_postgresql.create_database(next(names))
    )
    client = app.test_client()
    tokens = open_form(client)
    restarting_postgresql.stop()
    response = client.post("/consultation", data={**tokens, **valid_form()})
    assert_unavailable(response)
    assert 'value="ana@example.com"' in response.text
    health = client.get("/healthz")
    assert health.status_code == 503 and health.headers["Retry-After"] == "30"
    staff = app.test_client()
    staff.get("/staff/login")
    assert_unavailable(sign_in(staff, "nurse@clinic.test"))
    # Pages that need no database are still served.
    assert client.get("/blog/medical-benefits-of-botox").status_code == 200

    restarting_postgresql.start()
    response = client.post("/consultation", data={**tokens, **valid_form()})
    assert response.status_code == 303  # the same form, sent again, is stored
    assert [lead.email for lead in all_rows(app, Lead)] == ["ana@example.com"]


def read_until(process, text: str, seen: list[str]) -> None:
    """Read the process's output until a line holds `text` (or it ends)."""
    while True:
        ready, _, _ = select.select([process.stdout], [], [], 60)
        line = process.stdout.readline() if ready else ""
        if not line:
            raise AssertionError(f"{text!r} never came:\n{''.join(seen)}")
        seen.append(line)
        if text in line:
            return


def read_sent(process, count: int, seen: list[str]) -> None:
    """Read the worker's reports until they add up to `count` emails sent (a report
    is printed once its run has recorded what it sent)."""
    sent = 0
    while sent < count:
        read_until(process, " sent, ", seen)
        sent += int(seen[-1].split(" sent, ")[0].split()[-1])


@needs_postgresql
def test_the_worker_outlives_the_database_and_sends_nothing_twice(
    make_app, restarting_postgresql, smtp_port
):
    from aiosmtpd.controller import Controller

    url = restarting_postgresql.create_database(next(names))
    app = make_app(
        SQLALCHEMY_DATABASE_URI=url,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_port,
        MAIL_TIMEOUT=5,
        MAIL_DATA_TIMEOUT=60,
    )
    inbox = StallingInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    # One connection: this follows one sender's recording through an outage
    # (tests/test_outbox_lanes.py has several). With three reconnecting through
    # the restart, this test's own pg_ctl sometimes failed to start the server.
    worker = outbox_command(
        app, smtp_port, "worker", "--interval", "0.2", OUTBOX_CONNECTIONS="1"
    )
    seen: list[str] = []
    try:
        submit(app.test_client())
        assert inbox.stalled.wait(60)  # the worker is in the middle of DATA ...
        restarting_postgresql.stop()  # ... when the database goes away
        inbox.release.set()
        read_until(worker, "could not be recorded yet", seen)
        restarting_postgresql.start()
        read_sent(worker, 2, seen)
        # Gone again while the worker is idle: it backs off and keeps trying.
        restarting_postgresql.stop()
        read_until(worker, "run failed", seen)
        read_until(worker, "run failed", seen)
        assert worker.poll() is None
        restarting_postgresql.start()
        submit(app.test_client(), email="later@example.com")
        read_sent(worker, 2, seen)
    finally:
        worker.send_signal(signal.SIGTERM)
        output = "".join(seen) + worker.communicate(timeout=30)[0]
        controller.stop()
    stored = all_rows(app, OutboxEmail)
    assert {email.status for email in stored} == {"sent"}
    ids = {email.message_id for email in stored}
    delivered = [parsed(e)["Message-ID"].strip() for e in inbox.envelopes]
    assert sorted(delivered) == sorted(ids), output  # each once, none lost
    assert worker.returncode == 0, output
