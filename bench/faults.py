"""Fault drills for the outbox: how many emails go out twice, and none lost.

Each scenario queues emails (bench/drain.py's backlog) in a fresh database, runs
`flask outbox worker` against a local SMTP server (aiosmtpd) that tallies every
Message-ID, breaks something, and waits until every email is recorded sent:

- pg-stop-5s, pg-stop-20s: the PostgreSQL server (a cluster of the bench's own)
  stopped mid-drain for 5 and 20 seconds;
- worker-kill: the worker SIGKILLed every 2 s, twenty times, then left to finish
  (emails claimed by a killed worker wait out their lease);
- late-data: an SMTP server that keeps each message and answers DATA 12 s later,
  beyond MAIL_TIMEOUT (10 s) but within RFC 5321's ten minutes.

Usage: python bench/faults.py [--emails 400] [--only NAME]
"""

import argparse
import asyncio
import email
import shlex
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from aiosmtpd.controller import Controller

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import ROOT, app_environment, flask, free_port  # noqa: E402
from bench.drain import pending, queue  # noqa: E402
from tests.services import PostgreSQL  # noqa: E402


class Tally:
    def __init__(self, late: float = 0):
        self.ids: Counter[str] = Counter()
        self.late = late

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        self.ids[message["Message-ID"].strip()] += 1
        if self.late:
            await asyncio.sleep(self.late)
        return "250 OK"


def start_worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [Path(sys.executable).parent / "flask", "--app", "clinic", "outbox", "worker"]
        + ["--interval", "0.2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_drained(database: str, server: PostgreSQL, limit: float = 900) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        try:
            if pending(database) == 0:
                return time.monotonic() - started
        except Exception:  # noqa: BLE001 - the database may still be starting
            pass
        time.sleep(0.2)
    raise RuntimeError("emails still pending")


def scenario(name: str, server: PostgreSQL, emails: int, late: float = 0) -> dict:
    tally = Tally(late)
    smtp_port = free_port()
    controller = Controller(tally, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    database = server.create_database(name.replace("-", "_"))
    env = app_environment(database, smtp_port)
    if name == "worker-kill":
        # Short timeouts, so a killed worker's lease runs out within the drill.
        env |= {"FLASK_MAIL_TIMEOUT": "1", "FLASK_MAIL_DATA_TIMEOUT": "5"}
        env |= {"FLASK_OUTBOX_LEASE_SECONDS": "15"}
    flask(env, "db", "upgrade")
    queue(database, emails // 2)
    started = time.monotonic()
    worker = start_worker(env)
    kills = 0
    try:
        if name.startswith("pg-stop"):
            time.sleep(1)
            server.stop()
            time.sleep(int(name.removeprefix("pg-stop-").removesuffix("s")))
            server.start()
        elif name == "worker-kill":
            for _ in range(20):
                time.sleep(2)
                kills += 1
                worker.send_signal(signal.SIGKILL)
                worker.wait()
                worker = start_worker(env)
        wait_drained(database, server)
        exited = worker.poll()
    finally:
        worker.terminate()
        worker.wait(30)
        controller.stop()
    received = sum(tally.ids.values())
    return {
        "name": name,
        "emails": emails,
        "delivered": len(tally.ids),
        "duplicates": received - len(tally.ids),
        "seconds": time.monotonic() - started,
        "kills": kills,
        "worker_exited": exited,
    }


SCENARIOS = {
    "pg-stop-5s": {},
    "pg-stop-20s": {},
    "worker-kill": {},
    "late-data": {"late": 12},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=400)
    parser.add_argument("--only", choices=SCENARIOS)
    args = parser.parse_args()
    server = PostgreSQL()
    try:
        results = []
        for name, options in SCENARIOS.items():
            if args.only and name != args.only:
                continue
            emails = 20 if name == "late-data" else args.emails
            results.append(scenario(name, server, emails, **options))
    finally:
        server.remove()
    print(f"$ python {shlex.join(sys.argv)}")
    print("| scenario | emails | delivered | duplicates | until drained |")
    print("|---|---|---|---|---|")
    for r in results:
        note = f" ({r['kills']} kills)" if r["kills"] else ""
        if r["worker_exited"] is not None:
            note += f" worker exited {r['worker_exited']}"
        print(
            f"| {r['name']}{note} | {r['emails']} | {r['delivered']} | "
            f"{r['duplicates']} | {r['seconds']:.0f} s |"
        )


if __name__ == "__main__":
    main()
