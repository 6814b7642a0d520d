"""Servers of the tests' own, on free ports, for the tests that stop, freeze or
restart them (never the machine's shared ones)."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from clinic import ROOT
from tests.helpers import free_port

REDIS_SERVER = shutil.which("redis-server")
PG_BIN = next(
    (p for p in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)),
    None,
)


def start_when_ready(command: list, ready: str, stream: str, **options):
    """Start a server and return once it prints the line that says it is ready (on
    `stream`: "stdout" or "stderr"); what it prints afterwards is read and dropped,
    so a full pipe never blocks it."""
    process = subprocess.Popen(
        command, text=True, **{stream: subprocess.PIPE}, **options
    )
    output = getattr(process, stream)
    seen = []
    for line in output:
        seen.append(line)
        if ready in line:
            process.drain = threading.Thread(target=output.read)
            process.drain.start()
            return process
    output.close()
    raise RuntimeError(f"{command[0]} exited with {process.wait()}:\n{''.join(seen)}")


def stop(process: subprocess.Popen) -> None:
    """Stop a server started by start_when_ready, and close its pipe."""
    process.terminate()
    process.wait(30)
    process.drain.join(30)
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def start_gunicorn(env: dict, *args: str) -> subprocess.Popen:
    """gunicorn on the checkout's app; once it listens, a request waits in the
    socket for a worker."""
    return start_when_ready(
        [sys.executable, "-m", "gunicorn", *args, "wsgi:app"],
        "Listening at",
        "stderr",
        cwd=ROOT,
        env=env,
    )


class Redis:
    """A redis-server of the test's own, that keeps nothing on disk."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.process = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = start_when_ready(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            "Ready to accept connections",
            "stdout",
        )

    def stop(self) -> None:
        self.resume()
        stop(self.process)

    def freeze(self) -> None:
        """SIGSTOP: connections stay open and nothing answers, as with a hung host."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)


class PostgreSQL:
    """A PostgreSQL cluster of the test's own (initdb), to stop and start at will;
    run as the postgres account when the tests run as root, which initdb refuses."""

    def __init__(self):
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="clinic-pg-"))
        self.data = self.folder / "data"
        self.run_as = {"user": "postgres"} if os.geteuid() == 0 else {}
        if self.run_as:
            shutil.chown(self.folder, "postgres")
        self.pg("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-N")
        self.start()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def pg(self, command: str, *args, check: bool = True) -> None:
        subprocess.run(
            [PG_BIN / command, *map(str, args)],
            check=check,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL if not check else None,
            **self.run_as,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        log = self.folder / "postgresql.log"
        self.pg("pg_ctl", "-D", self.data, "-l", log, "-o", options, "-w", "start")

    def stop(self) -> None:
        self.pg("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def create_database(self, name: str) -> str:
        self.pg("createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", name)
        return self.url(name)

    def remove(self) -> None:
        self.pg("pg_ctl", "-D", self.data, "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


def nginx_lines() -> list[str]:
    """deploy/nginx.conf's directives, one a line, comments left out."""
    conf = (Path(__file__).parent.parent / "deploy" / "nginx.conf").read_text()
    return [line.split("#")[0].strip() for line in conf.splitlines()]
