"""The front desk's queue at scale: 20,000 leads over a year and 50 staff, served by
gunicorn; wrk asks, signed in, for the queue, its other views, a sorted list and a
search, and prints requests/s and p50/p99 for each; on PostgreSQL it also prints the
plan of the queue's query (EXPLAIN ANALYZE).

    .venv/bin/python bench/front_desk.py [-d 10] [-c 8] [--leads 20000] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

import argparse
import http.cookiejar
import json
import random
import re
import secrets
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    ROOT,
    add_database_option,
    app_environment,
    flask,
    free_port,
    new_folder,
    start_gunicorn,
    throwaway_database,
)
from clinic.models import Lead, StaffUser  # noqa: E402

PASSWORD = "bench-password-2026!"
DESK = "desk@bench.test"
STATUSES = ["new"] * 8 + ["contacted"] * 12 + ["scheduled"] * 10 + ["closed"] * 60
STATUSES += ["completed"] * 6 + ["no_show"] * 2 + ["cancelled"] * 2
TREATMENTS = ["botox-chronic-migraine", "dermal-fillers", "laser-hair-removal"]
SOURCES = ["/blog/medical-benefits-of-botox", "/treatments/", "/", None]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", type=int, default=10, help="seconds of load per page")
    parser.add_argument("-c", type=int, default=8, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--leads", type=int, default=20_000)
    parser.add_argument("--staff", type=int, default=50)
    add_database_option(parser)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench/front_desk.py needs wrk: apt-get install wrk")
    folder = new_folder("front-desk-bench-")
    with throwaway_database(args.database_url, folder) as database:
        return run(args, database)


def seed(database: str, leads: int, staff: int) -> None:
    """`staff` accounts (sharing the desk's password hash) and `leads` leads over
    the last year, a tenth of them from patients who asked before."""
    engine = create_engine(database)
    rng = random.Random(14)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        hashed = conn.scalar(
            select(StaffUser.password_hash).where(StaffUser.email == DESK)
        )
        conn.execute(
            insert(StaffUser),
            [
                {
                    "email": f"staff{n}@bench.test",
                    "password_hash": hashed,
                    "is_admin": False,
                    "active": True,
                    "session_version": 1,
                    "created_at": now,
                }
                for n in range(staff - 1)
            ],
        )
        staff_ids = list(conn.scalars(select(StaffUser.id)))
        rows = []
        for n in range(leads):
            patient = rng.randrange(leads) if rng.random() < 0.1 else n
            created = now - timedelta(minutes=rng.randrange(60 * 24 * 365))
            status = rng.choice(STATUSES)
            rows.append(
                {
                    "created_at": created,
                    "submission_token": secrets.token_hex(16),
                    "status": status,
                    "assigned_to_id": rng.choice(staff_ids)
                    if rng.random() < 0.6
                    else None,
                    "first_contacted_at": None
                    if status == "new"
                    else created + timedelta(hours=rng.randrange(1, 72)),
                    "first_name": f"Patient{patient}",
                    "last_name": rng.choice(["García", "Nguyen", "Smith", "Okafor"]),
                    "email": f"patient{patient}@example.com",
                    "phone": f"+1714555{patient % 10000:04d}",
                    "treatment": rng.choice(TREATMENTS),
                    "preferred_date": created.date() + timedelta(days=3),
                    "preferred_time": "morning",
                    "contact_method": "phone",
                    "message": "",
                    "consent_at": created,
                    "privacy_version": "2026-12-02",
                    "source_path": rng.choice(SOURCES),
                }
            )
        for start in range(0, len(rows), 2000):
            conn.execute(insert(Lead), rows[start : start + 2000])
    with engine.connect() as conn:  # as autovacuum would soon after
        conn.execute(text("ANALYZE"))
        conn.commit()
    engine.dispose()


def sign_in(base: str) -> tuple[str, str]:
    """The session cookie of the desk, signed in, and a search's address."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/staff/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    data = {"csrf_token": token, "email": DESK, "password": PASSWORD}
    opener.open(f"{base}/staff/login", urllib.parse.urlencode(data).encode())
    page = opener.open(f"{base}/staff/leads").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    found = opener.open(
        f"{base}/staff/leads/search",
        urllib.parse.urlencode({"csrf_token": token, "q": "garcía 55"}).encode(),
    )
    search = found.geturl().removeprefix(base)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return cookie, search


def load(base: str, path: str, cookie: str, args) -> dict:
    wrk = subprocess.run(
        ["wrk", "-t", "2", "-c", str(args.c), "-d", f"{args.d}s", "--timeout", "10s"]
        + [
            "-s",
            str(ROOT / "bench" / "front_desk.lua"),
            base + path,
            "--",
            path,
            cookie,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(wrk.stdout.split("RESULT ", 1)[1].splitlines()[0])


def explain(database: str) -> None:
    """The plan PostgreSQL chooses for the queue's first page."""
    engine = create_engine(database)
    with engine.connect() as conn:
        plan = conn.execute(
            text(
                "EXPLAIN ANALYZE SELECT * FROM leads WHERE status IN"
                " ('new', 'contacted', 'no_show')"
                " ORDER BY created_at ASC, id ASC LIMIT 25"
            )
        ).scalars()
        print("queue query plan (PostgreSQL):")
        for line in plan:
            print("   ", line)
    engine.dispose()


def run(args, database: str) -> int:
    port, base = free_port(), None
    env = app_environment(database, free_port())
    env["FLASK_OUTBOX_SEND_IN_BACKGROUND"] = "false"
    # The staff sign in with a password alone: this measures the queue, not TOTP.
    env["FLASK_STAFF_REQUIRE_TOTP"] = "false"
    server = None
    errors = 0
    try:
        flask(env, "db", "upgrade")
        made = subprocess.run(
            [Path(sys.executable).parent / "flask", "--app", "clinic"]
            + ["staff", "create", DESK],
            env=env,
            cwd=ROOT,
            input=PASSWORD + "\n",
            capture_output=True,
            text=True,
            check=True,
        )
        assert made.returncode == 0
        seed(database, args.leads, args.staff)
        server = start_gunicorn(env, port, args.workers)
        base = f"http://127.0.0.1:{port}"
        cookie, search = sign_in(base)
        print(
            f"database: {database.split(':')[0]}, gunicorn workers: {args.workers}, "
            f"{args.leads:,} leads over a year, {args.staff} staff, "
            f"{args.c} connections, {args.d} s each"
        )
        for label, path in (
            ("queue (To do)", "/staff/leads"),
            ("Mine", "/staff/leads?view=mine"),
            ("All leads, newest first", "/staff/leads?view=all"),
            ("sorted by name", "/staff/leads?sort=name&order=asc"),
            ("page 40 of the queue", "/staff/leads?page=40"),
            ("search (name and phone digits)", search),
        ):
            result = load(base, path, cookie, args)
            seconds = result["duration_us"] / 1e6
            errors += result["errors"]
            print(
                f"  {label:32} {result['requests'] / seconds:6.0f} req/s, p50"
                f" {result['p50'] / 1000:6.1f} ms, p99 {result['p99'] / 1000:6.1f}"
                f" ms, {result['errors']} errors"
            )
        if database.startswith("postgresql"):
            explain(database)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
