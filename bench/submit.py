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
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import (
    ROOT,
    add_database_option,
    app_environment,
    fetch_form,
    free_port,
    new_folder,
    open_day,
    start_gunicorn,
    throwaway_database,
)
from sqlalchemy import create_engine, text


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


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process and its children (the gunicorn workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    total = 0.0
    for each in [pid, *map(int, children)]:
        fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", type=int, default=10, help="seconds of load")
    parser.add_argument("-n", type=int, default=12000, help="forms prepared")
    parser.add_argument("-c", type=int, default=20, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    add_database_option(parser)
    args = parser.parse_args()
    command = [Path(__file__).name, *sys.argv[1:]]
    print("$ python bench/" + " ".join(shlex.quote(a) for a in command))
    if shutil.which("wrk") is None:
        sys.exit("bench/submit.py needs wrk: apt-get install wrk")

    folder = new_folder("bench-submit-")
    with throwaway_database(args.database_url, folder) as database:
        return run(args, folder, database)


def run(args, folder: Path, database: str) -> int:
    """Load the app with wrk while SMTP hangs, then read what it stored; report."""
    smtp, smtp_port = hanging_smtp()
    port = free_port()
    server = start_gunicorn(app_environment(database, smtp_port), port, args.workers)
    try:
        result, server_cpu = load(args, folder, f"http://127.0.0.1:{port}", server.pid)
    finally:
        server.terminate()
        server.wait(10)
        smtp.close()
    stored, pending = read_stored(database)
    print(
        f"database: {database.split(':')[0]}, gunicorn workers: {args.workers}, "
        f"SMTP: hanging on 127.0.0.1:{smtp_port}"
    )
    return 0 if report(args, result, server_cpu, stored, pending) else 1


def load(args, folder: Path, base: str, server_pid: int) -> tuple[dict, float]:
    """Fetch N forms, then POST them with wrk (bench/submit.lua) for D seconds over
    C connections; return wrk's figures and the CPU seconds the server spent."""
    day = open_day()
    with ThreadPoolExecutor(8) as pool:
        forms = list(pool.map(lambda i: fetch_form(base, i, day), range(args.n)))
    data = folder / "forms.tsv"
    data.write_text("".join(f"{cookie}\t{body}\n" for cookie, body in forms))
    threads = min(2, args.c)
    cpu_before = cpu_seconds(server_pid)
    wrk = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(args.c), "-d", f"{args.d}s"]
        + ["--timeout", "10s", "-s", str(ROOT / "bench" / "submit.lua"), base]
        + ["--", str(data), str(threads)],
        capture_output=True,
        text=True,
        check=True,
    )
    server_cpu = cpu_seconds(server_pid) - cpu_before
    return json.loads(wrk.stdout.split("RESULT ", 1)[1].splitlines()[0]), server_cpu


def read_stored(database: str) -> tuple[dict[str, int], int]:
    """Leads stored per email address, and the emails still pending."""
    engine = create_engine(database)
    with engine.connect() as conn:
        stored = dict(
            conn.execute(text("SELECT email, COUNT(*) FROM leads GROUP BY email")).all()
        )
        pending = conn.execute(
            text("SELECT COUNT(*) FROM outbox_emails WHERE status = 'pending'")
        ).scalar()
    engine.dispose()
    return stored, pending


def report(args, result: dict, server_cpu: float, stored: dict, pending: int) -> bool:
    """Print the figures; True when every acknowledged submission is stored once."""
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
        f"acknowledged (303): {acked} of {len(answered)} answered; other "
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
    return ok


if __name__ == "__main__":
    sys.exit(main())
