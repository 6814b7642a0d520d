"""How fast a backlog drains: N queued emails (half acknowledgements, half clinic
notifications), `flask outbox worker` started against a local SMTP server (aiosmtpd),
and the time until the last one is recorded sent.

    python bench/drain.py [--emails 3000] [--database-url postgresql+psycopg://...]
"""

import argparse
import shlex
import subprocess
import sys
import time
from datetime import UTC, datetime
from email.utils import make_msgid
from pathlib import Path

from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import (  # noqa: E402
    ROOT,
    add_database_option,
    app_environment,
    flask,
    free_port,
    new_folder,
    throwaway_database,
)


class Counter:
    def __init__(self):
        self.messages = 0
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        return "250 OK"


def queue(database: str, leads: int) -> None:
    """Store the leads and their emails directly, as a long SMTP outage leaves them
    (each address a different patient, so no acknowledgement is withheld)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    engine = create_engine(database)
    with engine.begin() as conn:
        for n in range(leads):
            lead_id = conn.execute(
                text(
                    "INSERT INTO leads (submission_token, status, first_name, "
                    "last_name, email, phone, treatment, preferred_date, "
                    "preferred_time, contact_method, message, consent_at, "
                    "privacy_version, source_path, created_at) VALUES (:token, 'new', "
                    "'Bench', :last, :email, '+17145550123', 'laser-hair-removal', "
                    ":day, 'morning', 'email', '', :now, 'bench', '/', :now) "
                    "RETURNING id"
                ),
                {
                    "token": f"bench-{n}",
                    "last": f"Client {n}",
                    "email": f"bench-{n}@example.com",
                    "day": now.date(),
                    "now": now,
                },
            ).scalar_one()
            for kind in ("clinic_notification", "patient_ack"):
                conn.execute(
                    text(
                        "INSERT INTO outbox_emails (lead_id, kind, message_id, "
                        "created_at, next_attempt_at, status, attempts) VALUES "
                        "(:lead, :kind, :mid, :now, :now, 'pending', 0)"
                    ),
                    {
                        "lead": lead_id,
                        "kind": kind,
                        "mid": make_msgid(kind, "bench.example"),
                        "now": now,
                    },
                )
    engine.dispose()


def pending(database: str) -> int:
    engine = create_engine(database)
    with engine.connect() as conn:
        left = conn.execute(
            text("SELECT count(*) FROM outbox_emails WHERE status = 'pending'")
        ).scalar_one()
    engine.dispose()
    return left


def run(emails: int, database_url: str | None) -> dict:
    folder = new_folder("clinic-drain-")
    counter = Counter()
    smtp_port = free_port()
    controller = Controller(counter, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        with throwaway_database(database_url, folder) as database:
            env = app_environment(database, smtp_port)
            flask(env, "db", "upgrade")
            queue(database, emails // 2)
            started = time.perf_counter()
            worker = subprocess.Popen(
                [Path(sys.executable).parent / "flask", "--app", "clinic"]
                + ["outbox", "worker", "--interval", "0.05"],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                while pending(database):
                    time.sleep(0.05)
                elapsed = time.perf_counter() - started
            finally:
                worker.terminate()
                worker.wait(30)
    finally:
        controller.stop()
    return {
        "emails": emails,
        "seconds": elapsed,
        "received": counter.messages,
        "connections": counter.connections,
    }


def report(figures: dict) -> None:
    print(f"$ python {shlex.join(sys.argv)}")
    print(
        f"{figures['emails']} queued emails drained in {figures['seconds']:.1f} s "
        f"({figures['emails'] / figures['seconds']:.0f} emails/s, worker start "
        f"included); the server received {figures['received']} messages over "
        f"{figures['connections']} SMTP connections"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=3000)
    add_database_option(parser)
    args = parser.parse_args()
    report(run(args.emails, args.database_url))


if __name__ == "__main__":
    main()
