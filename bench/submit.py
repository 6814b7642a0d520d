"""Submit the consultation form N times over C concurrent clients while SMTP hangs.

Usage: python bench/submit.py [-n 1000] [-c 20] [--workers 4] [--database-url URL]

Starts its own SMTP server that accepts connections and never answers, and gunicorn
serving the app on a throwaway database (SQLite unless --database-url names one).
First every form is fetched (GET: its cookie and tokens; not timed), as patients load
the page long before they send it. Then C client processes POST the forms back to
back, each with its own connection, and every POST is timed. Prints submissions/s and
latency percentiles, then checks that every acknowledged (303) submission is stored
exactly once.
"""

import argparse
import http.client
import http.cookiejar
import os
import re
import secrets
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
TOKENS = re.compile(r'name="(csrf_token|form_token)" type="hidden" value="([^"]*)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


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


def fetch_form(base: str, i: int, day: str) -> tuple[str, bytes]:
    """GET the form as a browser would; return its cookie and the filled-in body."""
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
    return cookie, urllib.parse.urlencode(form).encode()


def post_forms(port: int, forms: list[tuple[int, str, bytes]]) -> list[tuple]:
    """One client: POST its forms one after another; (status, seconds, index)."""
    results = []
    for i, cookie, body in forms:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
        }
        started = time.perf_counter()
        conn.request("POST", "/consultation", body, headers)
        status = conn.getresponse().status
        results.append((status, time.perf_counter() - started, i))
        conn.close()
    return results


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="submissions")
    parser.add_argument("-c", type=int, default=20, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--database-url", help="default: a throwaway SQLite file")
    args = parser.parse_args()
    command = [Path(__file__).name, *sys.argv[1:]]
    print("$ python bench/" + " ".join(shlex.quote(a) for a in command))

    smtp, smtp_port = hanging_smtp()
    instance = Path(tempfile.mkdtemp(prefix="bench-submit-"))
    database = args.database_url or f"sqlite:///{instance}/clinic.sqlite3"
    port = free_port()
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
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        day = open_day()
        with ThreadPoolExecutor(8) as pool:
            forms = list(pool.map(lambda i: fetch_form(base, i, day), range(args.n)))
        shares = [
            [(i, *forms[i]) for i in range(k, args.n, args.c)] for k in range(args.c)
        ]
        started = time.perf_counter()
        with ProcessPoolExecutor(args.c) as pool:
            parts = list(pool.map(post_forms, [port] * args.c, shares))
        elapsed = time.perf_counter() - started
        results = [r for part in parts for r in part]
    finally:
        server.terminate()
        server.wait(10)
        smtp.close()

    acknowledged = [
        f"bench-{i}@example.com" for status, _, i in results if status == 303
    ]
    latencies = [seconds * 1000 for _, seconds, _ in results]
    other = sorted({status for status, _, _ in results if status != 303})
    with create_engine(database).connect() as conn:
        stored = dict(
            conn.execute(text("SELECT email, COUNT(*) FROM leads GROUP BY email")).all()
        )
        pending = conn.execute(
            text("SELECT COUNT(*) FROM outbox_emails WHERE status = 'pending'")
        ).scalar()
    once = sum(1 for email in acknowledged if stored.get(email) == 1)
    duplicates = sum(1 for count in stored.values() if count > 1)

    print(
        f"database: {database.split(':')[0]}, gunicorn workers: {args.workers}, "
        f"SMTP: hanging on 127.0.0.1:{smtp_port}"
    )
    print(
        f"submissions: {args.n} over {args.c} concurrent clients in {elapsed:.2f} s "
        f"= {args.n / elapsed:.0f} submissions/s"
    )
    print(
        f"POST latency ms: p50 {statistics.median(latencies):.1f}  "
        f"p95 {percentile(latencies, 95):.1f}  p99 {percentile(latencies, 99):.1f}  "
        f"max {max(latencies):.1f}"
    )
    print(f"acknowledged (303): {len(acknowledged)}; other statuses: {other or 'none'}")
    print(
        f"stored exactly once: {once}/{len(acknowledged)}; duplicated: {duplicates}; "
        f"emails pending (SMTP hanging): {pending}"
    )
    ok = once == len(acknowledged) == args.n and duplicates == 0
    print(
        "RESULT:", "every acknowledged submission stored exactly once" if ok else "FAIL"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
