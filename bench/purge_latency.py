"""How long patients wait to send the form while the retention purge runs.

Usage: python bench/purge_latency.py [--leads 20000] [--rate 8] [--workers 2]
                                     [--database-url URL]

Fills a throwaway database (SQLite unless --database-url names a PostgreSQL server)
with LEADS closed leads past the retention period, each with its two emails, serves
the app under gunicorn, then runs `flask leads purge` while posting real forms
(fetched first, as browsers would) at RATE per second. Prints the purge's duration
and the posts' latency percentiles, slowest post and any answer but 303, then the
same posts with no purge running, for comparison.
"""

import argparse
import shlex
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from sqlalchemy import create_engine, insert  # noqa: E402

from bench.common import (  # noqa: E402
    add_database_option,
    app_environment,
    fetch_form,
    flask,
    free_port,
    new_folder,
    open_day,
    start_gunicorn,
    throwaway_database,
)
from clinic.models import Lead, OutboxEmail  # noqa: E402


def fill(database: str, count: int) -> None:
    """`count` closed leads received 800 days ago, with their sent emails."""
    engine = create_engine(database)
    long_ago = datetime.now(UTC) - timedelta(days=800)
    with engine.begin() as conn:
        for start in range(0, count, 1000):
            rows = [
                {
                    "created_at": long_ago,
                    "submission_token": f"bench-{n}",
                    "status": "closed",
                    "first_name": "Old",
                    "last_name": f"Patient {n}",
                    "email": f"old-{n}@example.com",
                    "phone": "+17145550123",
                    "treatment": "laser-hair-removal",
                    "preferred_date": long_ago.date(),
                    "preferred_time": "morning",
                    "contact_method": "email",
                    "message": "",
                    "consent_at": long_ago,
                    "privacy_version": "bench",
                }
                for n in range(start, min(start + 1000, count))
            ]
            ids = conn.execute(
                insert(Lead.__table__).returning(Lead.__table__.c.id), rows
            ).scalars()
            emails = [
                {
                    "lead_id": lead_id,
                    "kind": kind,
                    "message_id": f"<{kind}-{lead_id}@bench>",
                    "status": "sent",
                    "attempts": 1,
                    "created_at": long_ago,
                    "next_attempt_at": long_ago,
                    "sent_at": long_ago,
                }
                for lead_id in ids
                for kind in ("clinic_notification", "patient_ack")
            ]
            conn.execute(insert(OutboxEmail.__table__), emails)
    engine.dispose()


def post(base: str, prepared: tuple[str, str]) -> tuple[float, int]:
    cookie, body = prepared
    request = urllib.request.Request(
        f"{base}/consultation",
        data=body.encode(),
        headers={
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    opener = urllib.request.build_opener(NoRedirect)
    started = time.monotonic()
    try:
        with opener.open(request, timeout=120) as answer:
            status = answer.status
    except urllib.error.HTTPError as answer:
        status = answer.code
        answer.close()
    return time.monotonic() - started, status


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def paced(base: str, forms: list, rate: float, until: threading.Event) -> list:
    """Post the forms at `rate` a second until `until` is set or they run out."""
    results, futures = [], []
    with ThreadPoolExecutor(64) as pool:
        started = time.monotonic()
        for n, prepared in enumerate(forms):
            if until.is_set():
                break
            delay = started + n / rate - time.monotonic()
            if delay > 0:
                until.wait(delay)
            futures.append(pool.submit(post, base, prepared))
        results = [f.result() for f in futures]
    return results


def summary(label: str, results: list) -> None:
    times = sorted(seconds for seconds, _ in results)
    if not times:
        print(f"{label}: no posts")
        return

    def pct(p):
        return times[min(len(times) - 1, int(p / 100 * len(times)))] * 1000

    others = [status for _, status in results if status != 303]
    print(
        f"{label}: {len(times)} posts, p50 {pct(50):.0f} ms, p90 {pct(90):.0f} ms, "
        f"p99 {pct(99):.0f} ms, slowest {times[-1] * 1000:.0f} ms, "
        f"not 303: {len(others)} {sorted(set(others))}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=20000)
    parser.add_argument("--rate", type=float, default=8, help="form posts a second")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    add_database_option(parser)
    args = parser.parse_args()
    print("$ python bench/purge_latency.py " + shlex.join(sys.argv[1:]))
    folder = new_folder("purge-bench-")
    with throwaway_database(args.database_url, folder) as database:
        env = app_environment(database, free_port())
        env["FLASK_OUTBOX_SEND_IN_BACKGROUND"] = "false"
        flask(env, "db", "upgrade")
        started = time.monotonic()
        fill(database, args.leads)
        print(
            f"filled {args.leads} expired leads in {time.monotonic() - started:.0f} s"
        )
        port = free_port()
        server = start_gunicorn(env, port, args.workers)
        base = f"http://127.0.0.1:{port}"
        try:
            day = open_day()
            forms = [fetch_form(base, n, day) for n in range(int(args.rate * 400))]
            done = threading.Event()
            said = folder / "purge-output.txt"  # a line a lead: never a pipe to fill
            purge = subprocess.Popen(
                [Path(sys.executable).parent / "flask", "--app", "clinic"]
                + ["leads", "purge"],
                env=env,
                cwd=Path(__file__).resolve().parent.parent,
                stdout=said.open("w"),
            )
            waiter = threading.Thread(target=lambda: (purge.wait(), done.set()))
            started = time.monotonic()
            waiter.start()
            during = paced(base, forms, args.rate, done)
            waiter.join()
            took = time.monotonic() - started
            print(said.read_text().splitlines()[0])
            print(f"purge of {args.leads} leads took {took:.0f} s")
            summary("form posts during the purge", during)
            calm = threading.Event()
            threading.Timer(10, calm.set).start()
            summary(
                "form posts with no purge",
                paced(base, forms[len(during) :], args.rate, calm),
            )
        finally:
            server.terminate()
            server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
