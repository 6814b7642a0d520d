"""How fast free times are computed with a full calendar.

Usage: python bench/times.py [-d 10] [-c 20] [--workers 2] [--booked 500]
                             [--database-url URL]

Serves the app with gunicorn on a throwaway database (SQLite unless --database-url
names a PostgreSQL server), with three practitioners and --booked appointments
spread over the next six months, a few days of time off and a closure. Then wrk
(Debian package `wrk`) asks /consultation/times.json for every date of the
bookable range in turn, over C connections for D seconds, each treatment in turn.
Prints requests/s and latency percentiles; checks every answer was a 200.
"""

import argparse
import json
import random
import secrets
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from common import (
    ROOT,
    add_database_option,
    app_environment,
    free_port,
    new_folder,
    start_gunicorn,
    throwaway_database,
)
from sqlalchemy import create_engine, text

ZONE = ZoneInfo("America/Los_Angeles")
HOURS = {0: (9, 18), 1: (9, 18), 2: (9, 18), 3: (9, 19), 4: (9, 18), 5: (10, 16)}
TREATMENTS = ["", "botox-hyperhidrosis", "botox-chronic-migraine", "laser-hair-removal"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", type=int, default=10, help="seconds of load")
    parser.add_argument("-c", type=int, default=20, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--booked", type=int, default=500, help="appointments")
    add_database_option(parser)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench/times.py needs wrk: apt-get install wrk")
    folder = new_folder("times-bench-")
    with throwaway_database(args.database_url, folder) as database:
        return run(args, folder, database)


def seed(database: str, booked: int) -> None:
    """Practitioners, time off, a closure and `booked` appointments, none of them
    overlapping, over the next six months."""
    engine = create_engine(database)
    now = datetime.now(UTC)
    rng = random.Random(7)
    with engine.begin() as conn:
        for n, name in enumerate(("Dr. A, MD", "Dr. B, MD", "C, PA-C"), start=1):
            conn.execute(
                text(
                    "INSERT INTO staff_users (id, email, password_hash, is_admin,"
                    " active, session_version, created_at, is_practitioner,"
                    " display_name)"
                    " VALUES (:id, :email, 'x', false, true, 1, :now, true, :name)"
                ),
                {"id": n, "email": f"p{n}@bench.test", "now": now, "name": name},
            )
        today = now.astimezone(ZONE).date()
        for practitioner, offset in ((1, 20), (2, 45), (None, 60)):
            conn.execute(
                text(
                    "INSERT INTO time_off (practitioner_id, first_day, last_day,"
                    " reason, created_at) VALUES (:p, :first, :last, '', :now)"
                ),
                {
                    "p": practitioner,
                    "first": today + timedelta(days=offset),
                    "last": today + timedelta(days=offset + 2),
                    "now": now,
                },
            )
        taken = set()
        while len(taken) < booked:
            day = today + timedelta(days=rng.randrange(1, 183))
            if day.weekday() not in HOURS:
                continue
            opens, closes = HOURS[day.weekday()]
            slot = rng.randrange(opens * 2, closes * 2)
            taken.add((rng.randrange(1, 4), day, slot))
        for n, (practitioner, day, slot) in enumerate(sorted(taken), start=1):
            start = datetime.combine(day, time(slot // 2, 30 * (slot % 2)), ZONE)
            start = start.astimezone(UTC).replace(tzinfo=None)
            conn.execute(
                text(
                    "INSERT INTO leads (id, created_at, submission_token, status,"
                    " first_name, last_name, email, phone, treatment, preferred_date,"
                    " preferred_time, contact_method, message, consent_at,"
                    " privacy_version) VALUES (:id, :now, :token, 'scheduled', 'B',"
                    " 'C', 'b@example.com', '+17145550123', 'botox-hyperhidrosis',"
                    " :day, 'morning', 'email', '', :now, '1')"
                ),
                {"id": n, "now": now, "token": secrets.token_hex(16), "day": day},
            )
            conn.execute(
                text(
                    "INSERT INTO appointments (public_id, lead_id, practitioner_id,"
                    " starts_at, ends_at, status, sequence, created_at, updated_at)"
                    " VALUES (:public, :lead, :p, :start, :end, 'booked', 0, :now,"
                    " :now)"
                ),
                {
                    "public": secrets.token_hex(16),
                    "lead": n,
                    "p": practitioner,
                    "start": start,
                    "end": start + timedelta(minutes=30),
                    "now": now.replace(tzinfo=None),
                },
            )
    engine.dispose()


def run(args, folder: Path, database: str) -> int:
    port = free_port()
    env = app_environment(database, free_port())
    env["FLASK_OUTBOX_SEND_IN_BACKGROUND"] = "false"
    server = None
    try:
        server = start_gunicorn(env, port, args.workers)
        seed(database, args.booked)
        today = date.today()
        queries = folder / "queries.txt"
        queries.write_text(
            "".join(
                f"date={today + timedelta(days=d)}"
                + (f"&treatment={TREATMENTS[d % len(TREATMENTS)]}" if d % 4 else "")
                + "\n"
                for d in range(184)
            )
        )
        wrk = subprocess.run(
            [
                "wrk",
                "-t",
                "2",
                "-c",
                str(args.c),
                "-d",
                f"{args.d}s",
                "--timeout",
                "10s",
            ]
            + ["-s", str(ROOT / "bench" / "times.lua"), f"http://127.0.0.1:{port}"]
            + ["--", str(queries)],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
    result = json.loads(wrk.stdout.split("RESULT ", 1)[1].splitlines()[0])
    seconds = result["duration_us"] / 1e6
    print(
        f"database: {database.split(':')[0]}, gunicorn workers: {args.workers}, "
        f"{args.booked} appointments over 6 months, 3 practitioners"
    )
    print(
        f"times.json: {result['requests'] / seconds:,.0f} requests/s over {args.c} "
        f"connections; latency p50 {result['p50'] / 1000:.1f} ms, p90 "
        f"{result['p90'] / 1000:.1f} ms, p99 {result['p99'] / 1000:.1f} ms, max "
        f"{result['max'] / 1000:.1f} ms; {result['errors']} errors"
    )
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
