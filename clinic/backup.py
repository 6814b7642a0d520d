"""`flask db backup PATH`: a consistent copy of the SQLite database while it runs."""

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from clinic.extensions import db


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), required=False)
@with_appcontext
def backup_command(path: Path | None) -> None:
    """Copy the live SQLite database to PATH, or to a dated file in BACKUP_DIR (use
    pg_dump for PostgreSQL)."""
    if db.engine.dialect.name != "sqlite":
        raise click.ClickException(
            "this database is not SQLite; back it up with pg_dump, e.g. "
            "pg_dump --format=custom --file=PATH DBNAME"
        )
    if path is None:
        folder = current_app.config["BACKUP_DIR"]
        if not folder:
            raise click.UsageError("give a PATH, or set BACKUP_DIR")
        path = Path(folder) / f"clinic-{datetime.now(UTC):%Y-%m-%dT%H%M%SZ}.sqlite3"
    partial = path.with_name(path.name + ".partial")
    # Owner-only from the first byte, like the database itself.
    os.close(os.open(partial, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600))
    source = db.engine.raw_connection()
    try:
        # SQLite's online backup API: a consistent snapshot, writers barely paused.
        with sqlite3.connect(partial) as target:
            source.driver_connection.backup(target)
            (leads,) = target.execute("SELECT COUNT(*) FROM leads").fetchone()
        target.close()
    finally:
        source.close()
    os.replace(partial, path)  # a backup file is either complete or absent
    click.echo(f"Backed up {leads} leads to {path}")
