"""Files holding patient data are readable by their owner only (0600): the SQLite
database with its write-ahead log, and emails written to files on a laptop."""

import os
from pathlib import Path

import pytest

from clinic.outbox.delivery import send_due
from tests.helpers import TEST_DATABASE_URL, submit


@pytest.fixture
def loose_umask():
    """A umask that would make new files readable by everyone, as on many hosts."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="the SQLite file")
def test_the_database_and_its_log_are_owner_only(make_app, loose_umask):
    app = make_app()
    submit(app.test_client())
    database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    files = [p for p in (database, Path(f"{database}-wal")) if p.exists()]
    assert database in files and len(files) == 2
    assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="the SQLite file")
def test_an_existing_database_is_made_owner_only(make_app, tmp_path, loose_umask):
    database = tmp_path / "old.sqlite3"
    database.touch(mode=0o644)
    make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    assert mode(database) == 0o600


def test_emails_written_to_files_are_owner_only(app, client, loose_umask):
    submit(client)
    with app.app_context():
        assert send_due().sent == 2
    folder = Path(app.instance_path) / "mail"
    assert mode(folder) == 0o700
    assert {mode(p) for p in folder.glob("*.eml")} == {0o600}
