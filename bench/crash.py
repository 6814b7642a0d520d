"""Submissions while a gunicorn worker is killed, then SMTP coming back.

Usage: python bench/crash.py [-n 2000] [-c 50] [--workers 2] [--database-url URL]

Serves the app under gunicorn on a throwaway database (SQLite, or a fresh database
on the PostgreSQL server named) with its SMTP server down. Fetches N forms, then
POSTs them over C connections; when half have been answered, one worker is killed
with SIGKILL (gunicorn starts another). A patient whose request failed presses send
again: each failed POST is retried once with the same form. Then it counts rows:
every acknowledged (303) submission must be stored exactly once, with its two
emails owed. Last, an SMTP server starts and `flask outbox send --all` runs until
nothing is pending: every email must arrive exactly once.
"""

import argparse
import http.client
import os
import shlex
import signal
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from common import (
    add_database_option,
    app_environment,
    fetch_form,
    flask,
    free_port,
    new_folder,
    open_day,
    start_gunicorn,
    throwaway_database,
    worker_pids,
)
from sqlalchemy import create_engine, text


class Inbox:
    """An SMTP handler that keeps the Message-ID of everything it is given."""

    def __init__(self):
        self.message_ids: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.message_ids.append(str(message["Message-ID"]).strip())
        return "250 OK"


class Clients:
    """C keep-alive connections sending prepared forms; kills a worker half-way."""

    def __init__(self, port: int, master: int, total: int):
        self.port, self.master, self.half = port, master, total // 2
        self.local = threading.local()
        self.answered = 0
        self.lock = threading.Lock()
        self.killed: int | None = None

    def post(self, form: tuple[str, str]) -> int | str:
        cookie, body = form
        if not hasattr(self.local, "conn"):
            self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, 30)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
        }
        try:
            self.local.conn.request("POST", "/consultation", body, headers)
            response = self.local.conn.getresponse()
            response.read()
            outcome: int | str = response.status
        except (OSError, http.client.HTTPException) as error:
            self.local.conn.close()
            del self.local.conn
            outcome = type(error).__name__
        with self.lock:
            self.answered += 1
            if self.answered == self.half:
                self.killed = worker_pids(self.master)[0]
                os.kill(self.killed, signal.SIGKILL)
        return outcome


def deliver_all(env: dict, database: str, budget: float = 300) -> int:
    """Run `outbox send --all` until nothing is pending (each run sends a batch; an
    email leased by the killed worker waits out its lease); return the runs."""
    engine = create_engine(database)
    deadline, runs = time.monotonic() + budget, 0
    try:
        while time.monotonic() < deadline:
            flask(env, "outbox", "send", "--all")
            runs += 1
            with engine.connect() as conn:
                left = conn.execute(
                    text("SELECT COUNT(*) FROM outbox_emails WHERE status <> 'sent'")
                ).scalar()
            if not left:
                break
        return runs
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="submissions")
    parser.add_argument("-c", type=int, default=50, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    add_database_option(parser)
    args = parser.parse_args()
    print("$ python bench/crash.py " + " ".join(map(shlex.quote, sys.argv[1:])))
    folder = new_folder("bench-crash-")
    with throwaway_database(args.database_url, folder) as database:
        return run(args, folder, database)


@dataclass
class Load:
    """What the patients saw: each form's first answer, and the answer to its retry."""

    first: list[int | str]
    second: dict[int, int | str]
    elapsed: float
    killed: int | None

    @property
    def final(self) -> list[int | str]:
        return [self.second.get(i, outcome) for i, outcome in enumerate(self.first)]


@dataclass
class Stored:
    """What the database held once the load was over."""

    leads: Counter  # email -> how many leads
    owed: int  # outbox rows
    message_ids: Counter


def run(args, folder, database: str) -> int:
    """Load the app while killing a worker, read what it stored, then bring SMTP
    back and deliver; report and judge."""
    smtp_port, port = free_port(), free_port()  # nothing listens on smtp_port yet
    env = app_environment(database, smtp_port)
    log = open(folder / "gunicorn.log", "w")  # noqa: SIM115 - open while it serves
    server = start_gunicorn(env, port, args.workers, stderr=log)
    try:
        load = submit_with_a_kill(args, port, server.pid)
        stored = read_stored(database)
        inbox, runs = deliver_after_outage(env, database, smtp_port)
    finally:
        server.terminate()
        server.wait(10)
        log.close()
    print(
        f"database: {database.split(':')[0]}, gunicorn workers: {args.workers}, "
        f"{args.c} connections, SMTP down during the load; server log: "
        f"{folder / 'gunicorn.log'}"
    )
    return 0 if report(args, load, stored, inbox, runs) else 1


def submit_with_a_kill(args, port: int, master: int) -> Load:
    """Send N prepared forms over C connections, a worker killed half-way; send each
    one that failed once more, as a patient would."""
    base, day = f"http://127.0.0.1:{port}", open_day()
    with ThreadPoolExecutor(8) as pool:
        forms = list(pool.map(lambda i: fetch_form(base, i, day), range(args.n)))
    clients = Clients(port, master, args.n)
    started = time.monotonic()
    with ThreadPoolExecutor(args.c) as pool:
        first = list(pool.map(clients.post, forms))
    elapsed = time.monotonic() - started
    retry = [i for i, outcome in enumerate(first) if outcome != 303]
    with ThreadPoolExecutor(args.c) as pool:
        outcomes = pool.map(clients.post, [forms[i] for i in retry])
        second = dict(zip(retry, outcomes, strict=True))
    return Load(first, second, elapsed, clients.killed)


def read_stored(database: str) -> Stored:
    engine = create_engine(database)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT email, COUNT(*) FROM leads GROUP BY email"))
        leads = Counter(dict(rows.all()))
        ids = conn.execute(text("SELECT message_id FROM outbox_emails")).scalars()
        stored = Stored(leads, 0, Counter(ids))
    engine.dispose()
    stored.owed = sum(stored.message_ids.values())
    return stored


def deliver_after_outage(env: dict, database: str, smtp_port: int):
    """Start the SMTP server and drain the outbox; return the inbox and the runs."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        runs = deliver_all(env, database)
        time.sleep(1)  # the app's own background senders may still be finishing
    finally:
        controller.stop()
    return inbox, runs


def report(args, load: Load, stored: Stored, inbox: Inbox, runs: int) -> bool:
    """Print what happened; True when nothing was lost or doubled."""
    acked = [i for i, outcome in enumerate(load.final) if outcome == 303]
    not_once = [i for i in acked if stored.leads[f"bench-{i}@example.com"] != 1]
    twice = [email for email, count in stored.leads.items() if count > 1]
    received = Counter(inbox.message_ids)
    missing = [m for m in stored.message_ids if received[m] == 0]
    repeated = [m for m, count in received.items() if count > 1]
    strangers = [m for m in received if m not in stored.message_ids]
    leads = sum(stored.leads.values())
    print(
        f"first pass: {Counter(map(str, load.first))} in {load.elapsed:.1f} s; "
        f"worker {load.killed} killed with SIGKILL after {args.n // 2} answers"
    )
    again = Counter(map(str, load.second.values()))
    print(f"retried once with the same form: {len(load.second)} -> {again}")
    print(
        f"acknowledged (303): {len(acked)} of {args.n}; stored: {leads} "
        f"leads; acknowledged but not stored exactly once: {len(not_once)}; "
        f"stored twice: {len(twice)}"
    )
    print(
        f"emails owed: {stored.owed} (2 per lead: {stored.owed == 2 * leads}); "
        f"after SMTP returned ({runs} `outbox send --all` runs): received "
        f"{len(inbox.message_ids)}, missing {len(missing)}, twice {len(repeated)}, "
        f"unknown {len(strangers)}"
    )
    ok = (
        load.killed is not None
        and len(acked) == args.n
        and not (not_once or twice or missing or repeated or strangers)
        and stored.owed == 2 * leads
    )
    print(
        "RESULT:",
        "every acknowledged submission stored once, every email delivered once"
        if ok
        else "FAIL",
    )
    return ok


if __name__ == "__main__":
    sys.exit(main())
