"""Servers of the tests' own, on free ports, for the tests that stop, freeze or
restart them (never the machine's shared ones)."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.conftest import free_port

REDIS_SERVER = shutil.which("redis-server")
PG_BIN = next(
    (p for p in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)),
    None,
)


def wait_for_port(port: int, process: subprocess.Popen, what: str) -> None:
    """Return once the server accepts connections; fail if it exits first."""
    for _ in range(600):
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with status {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not start listening on port {port}")


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
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port, self.process, "redis-server")

    def stop(self) -> None:
        self.resume()
        self.process.terminate()
        self.process.wait(10)

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
