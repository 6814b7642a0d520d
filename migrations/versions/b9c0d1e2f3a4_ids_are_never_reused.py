"""ids are never reused: AUTOINCREMENT on SQLite for leads, appointments, notes,
outbox emails and audit events

Revision ID: b9c0d1e2f3a4
Revises: a8b9c0d1e2f3
Create Date: 2026-12-07

SQLite gives a new row the largest id in the table plus one, so deleting the newest
lead handed its id (and, through the activity log, its history) to the next patient.
AUTOINCREMENT never goes back. It can only be declared when a table is created, so
each table is rebuilt as SQLite's documentation prescribes: foreign keys off, a new
table, the rows copied, the old one dropped, the new one renamed, its indexes and
triggers made again, and the keys checked. PostgreSQL's sequences never reuse an id:
nothing changes there.
"""
import re

from alembic import op


# revision identifiers, used by Alembic.
revision = 'b9c0d1e2f3a4'
down_revision = 'a8b9c0d1e2f3'
branch_labels = None
depends_on = None

TABLES = ("leads", "appointments", "lead_notes", "outbox_emails", "audit_events")


def sqlite():
    return op.get_bind().dialect.name == "sqlite"


def foreign_keys(conn, on: bool) -> None:
    # A pragma that cannot take effect inside a transaction: end the one an earlier
    # migration's statement may have begun, then make sure it took.
    if conn.connection.dbapi_connection.in_transaction:
        conn.exec_driver_sql("COMMIT")
    conn.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    if conn.exec_driver_sql("PRAGMA foreign_keys").scalar() != int(on):
        raise RuntimeError("could not switch SQLite's foreign keys; nothing was changed")


def declared(conn, table: str) -> tuple[str, list[str]]:
    """The table's CREATE statement, and those of its indexes and triggers."""
    rows = conn.exec_driver_sql(
        "SELECT type, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL",
        (table,),
    ).all()
    create = next(sql for kind, sql in rows if kind == "table")
    return create, [sql for kind, sql in rows if kind in ("index", "trigger")]


def with_id(create: str, table: str, autoincrement: bool) -> str:
    """The CREATE statement for `table`, its id declared one way or the other."""
    body = create[create.index("(") :]
    plain, auto = "id INTEGER NOT NULL,", "id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,"
    if autoincrement:
        body = re.sub(r",\s*PRIMARY KEY \(id\)", "", body, count=1)
        body = body.replace(plain, auto, 1)
    else:
        body = body.replace(auto, plain, 1)
        body = body[: body.rindex(")")].rstrip() + ", \n\tPRIMARY KEY (id)\n)"
    if ("AUTOINCREMENT" in body) != autoincrement:
        raise RuntimeError(f"unexpected declaration of {table}: {create}")
    return f"CREATE TABLE {table} {body}"


def rebuild(conn, table: str, autoincrement: bool, at_least: int = 0) -> None:
    create, others = declared(conn, table)
    columns = ", ".join(
        row[1] for row in conn.exec_driver_sql(f"PRAGMA table_info({table})")
    )
    conn.exec_driver_sql(with_id(create, f"_new_{table}", autoincrement))
    conn.exec_driver_sql(
        f"INSERT INTO _new_{table} ({columns}) SELECT {columns} FROM {table}"
    )
    conn.exec_driver_sql(f"DROP TABLE {table}")
    conn.exec_driver_sql(f"ALTER TABLE _new_{table} RENAME TO {table}")
    for statement in others:
        conn.exec_driver_sql(statement)
    if autoincrement and at_least:
        conn.exec_driver_sql(
            "INSERT INTO sqlite_sequence (name, seq) SELECT ?, 0 WHERE NOT EXISTS "
            "(SELECT 1 FROM sqlite_sequence WHERE name = ?)",
            (table, table),
        )
        conn.exec_driver_sql(
            "UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?",
            (at_least, table),
        )


def change(autoincrement: bool) -> None:
    conn = op.get_bind()
    foreign_keys(conn, on=False)
    conn.exec_driver_sql("BEGIN")
    # A lead deleted before this upgrade left its id in the activity log: the
    # counter starts above it, so that id is not handed out again either.
    erased = conn.exec_driver_sql("SELECT MAX(lead_id) FROM audit_events").scalar() or 0
    for table in TABLES:
        rebuild(conn, table, autoincrement, erased if table == "leads" else 0)
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        conn.exec_driver_sql("ROLLBACK")
        raise RuntimeError(f"foreign keys broken by the rebuild: {broken[:5]}")
    conn.exec_driver_sql("COMMIT")
    foreign_keys(conn, on=True)


def upgrade():
    if sqlite():
        change(autoincrement=True)


def downgrade():
    if sqlite():
        change(autoincrement=False)
