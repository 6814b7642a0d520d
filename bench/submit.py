"""Submit the consultation form over C concurrent connections while SMTP hangs.

Usage: python bench/submit.py [-d 10] [-c 20] [-n 12000] [--workers 2]
                              [--database-url URL]

Starts its own SMTP server that accepts connections and never answers, and gunicorn
serving the app on a throwaway database (SQLite unless --database-url names one).
First every form is fetched (GET: its cookie and tokens; not timed), as patients load
the page long before they send it. Then wrk (Debian package `wrk`; a load generator
that costs microseconds per request, so the clients do not steal the server's CPU)
POSTs each of the N prepared forms at most once over C connections for D seconds,
timing every POST. Prints submissions/s and latency percentiles, then checks that
every acknowledged submission is stored exactly once and nothing twice.
"""

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
TOKENS = re.compile(r'name="(csrf_token|form_token)" type="hidden" value="([^"]*)"')


def hanging_smtp() -> tuple[socket.socket, int]:
    """Accept SMTP connections and never send a greeting."""
    server = socket.create_server(("127.0.0.1", 0))
    held = []

    def serve():
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=serve, daemon=True).start()
    return server, server.getsockname()[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def open_day() -> str:
    day = date.today() + timedelta(days=8)
    while day.weekday() == 6:
        day += timedelta(days=1)
    return day.isoformat()


def fetch_form(base: str, i: int, day: str) -> str:
    """GET the form as a browser would; return a line: cookie, tab, filled-in body."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/consultation", timeout=30).read().decode()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    form = dict(TOKENS.findall(page)) | {
        "first_name": "Bench",
        "last_name": f"Client {i}",
        "email": f"bench-{i}@example.com",
        "phone": "(714) 555-0123",
        "treatment": "laser-hair-removal",
        "preferred_date": day,
        "preferred_time": "morning",
        "contact_method": "email",
        "consent": "y",
        "website": "",
    }
    return f"{cookie}\t{urllib.parse.urlencode(form)}\n"


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process and its children (the gunicorn workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    total = 0.0
    for each in [pid, *map(int, children)]:
        fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return total


def start_server(args, database: str, smtp_port: int, port: int) -> subprocess.Popen:
    env = os.environ | {
        "FLASK_SECRET_KEY": secrets.token_hex(32),
        "FLASK_SQLALCHEMY_DATABASE_URI": database,
        "FLASK_MAIL_SERVER": "127.0.0.1",
        "FLASK_MAIL_PORT": str(smtp_port),
        "FLASK_MAIL_TIMEOUT": "10",
        "FLASK_RATELIMIT_ENABLED": "false",  # one client address sends everything
        "FLASK_BOOKING_MIN_SECONDS": "0",
        "FLASK_SESSION_COOKIE_SECURE": "false",  # plain HTTP on loopback
    }
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [bin_dir / "flask", "--app", "clinic", "db", "upgrade"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        [
            bin_dir / "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--max-requests",
            "0",  # gunicorn.conf.py recycles workers; measure a steady state
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        env=env,
        cwd=ROOT,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", type=int, default=10, help="seconds of load")
    parser.add_argument("-n", type=int, default=12000, help="forms prepared")
    parser.add_argument("-c", type=int, default=20, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--database-url", help="default: a throwaway SQLite file")
    args = parser.parse_args()
    command = [Path(__file__).name, *sys.argv[1:]]
    print("$ python bench/" + " ".join(shlex.quote(a) for a in command))
    if shutil.which("wrk") is None:
        sys.exit("bench/submit.py needs wrk: apt-get install wrk")

    smtp, smtp_port = hanging_smtp()
    instance = Path(tempfile.mkdtemp(prefix="bench-submit-"))
    database = args.database_url or f"sqlite:///{instance}/clinic.sqlite3"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(args, database, smtp_port, port)
    try:
        day = open_day()
        with ThreadPoolExecutor(8) as pool:
            lines = list(pool.map(lambda i: fetch_form(base, i, day), range(args.n)))
        data = instance / "forms.tsv"
        data.write_text("".join(lines))
        threads = min(2, args.c)
        cpu_before = cpu_seconds(server.pid)
        run = subprocess.run(
            [
                "wrk",
                "-t",
                str(threads),
                "-c",
                str(args.c),
                "-d",
                f"{args.d}s",
                "--timeout",
                "10s",
                "-s",
                str(ROOT / "bench" / "submit.lua"),
                base,
                "--",
                str(data),
                str(threads),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        server_cpu = cpu_seconds(server.pid) - cpu_before
    finally:
        server.terminate()
        server.wait(10)
        smtp.close()
    result = json.loads(run.stdout.split("RESULT ", 1)[1].splitlines()[0])

    with create_engine(database).connect() as conn:
        stored = dict(
            conn.execute(text("SELECT email, COUNT(*) FROM leads GROUP BY email")).all()
        )
        pending = conn.execute(
            text("SELECT COUNT(*) FROM outbox_emails WHERE status = 'pending'")
        ).scalar()
    per_thread = result["threads"]
    # Thread k holds forms k, k+T, k+2T, ...; its first `answered` were answered.
    answered = [
        f"bench-{k + len(per_thread) * j}@example.com"
        for k, t in enumerate(per_thread)
        for j in range(min(t["answered"], t["forms"]))
    ]
    acked = sum(t["acked"] for t in per_thread)
    other = sum(t["other"] for t in per_thread)
    replays = sum(max(0, t["issued"] - t["forms"]) for t in per_thread)
    missing = sum(1 for email in answered if stored.get(email) != 1)
    duplicates = sum(1 for count in stored.values() if count > 1)
    elapsed = result["duration_us"] / 1e6

    print(
        f"database: {database.split(':')[0]}, gunicorn workers: {args.workers}, "
        f"SMTP: hanging on 127.0.0.1:{smtp_port}"
    )
    print(
        f"submissions: {len(stored)} stored from {args.c} concurrent connections "
        f"in {elapsed:.2f} s = {len(stored) / elapsed:.0f} submissions/s "
        f"(+{replays} replays)"
    )
    print(
        f"POST latency ms: p50 {result['p50'] / 1000:.1f}  "
        f"p95 {result['p95'] / 1000:.1f}  p99 {result['p99'] / 1000:.1f}  "
        f"max {result['max'] / 1000:.1f}"
    )
    print(
        f"server CPU per request: {server_cpu / result['requests'] * 1000:.2f} ms "
        f"(machine: {os.cpu_count()} cores, shared with wrk)"
    )
    print(
        f"acknowledged (303): {acked} of {result['requests']} answered; other "
        f"statuses: {other}; socket errors: {result['errors']}"
    )
    print(
        f"acknowledged submissions not stored exactly once: {missing} of "
        f"{len(answered)}; stored twice: {duplicates}; emails pending (SMTP "
        f"hanging): {pending}"
    )
    ok = missing == duplicates == other == result["errors"] == 0 and acked > 0
    print(
        "RESULT:", "every acknowledged submission stored exactly once" if ok else "FAIL"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
