"""`flask db backup PATH` copies the live SQLite database."""

import sqlite3

import pytest
from sqlalchemy import func, select

from clinic.extensions import db
from clinic.models import Lead
from tests.helpers import TEST_DATABASE_URL, submit


@pytest.mark.skipif(
    bool(TEST_DATABASE_URL), reason="SQLite backup; PostgreSQL uses pg_dump"
)
def test_backup_is_a_complete_copy_that_restores(app, client, make_app, tmp_path):
    for n in range(3):
        submit(client, email=f"p{n}@example.com")
    target = tmp_path / "backups" / "clinic-backup.sqlite3"
    target.parent.mkdir()
    result = app.test_cli_runner().invoke(args=["db", "backup", str(target)])
    assert result.exit_code == 0, result.output
    assert f"Backed up 3 leads to {target}" in result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        emails = {row[0] for row in copy.execute("SELECT email FROM leads")}
        assert copy.execute("SELECT COUNT(*) FROM outbox_emails").fetchone() == (6,)
    copy.close()
    assert emails == {"p0@example.com", "p1@example.com", "p2@example.com"}
    assert not list(target.parent.glob("*.partial"))
    assert target.stat().st_mode & 0o777 == 0o600  # holds every lead

    # The restore drill: the app starts on the copy and answers from it.
    restored = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{target}")
    assert restored.test_client().get("/healthz").status_code == 200
    with restored.app_context():
        assert db.session.scalar(select(func.count()).select_from(Lead)) == 3


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs TEST_DATABASE_URL")
def test_backup_on_postgresql_points_to_pg_dump(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["db", "backup", str(tmp_path / "x")])
    assert result.exit_code != 0
    assert "pg_dump" in result.output
