"""Who holds an outbox email: each claim names its sender (this machine, process id
and that process's start), so a sender on the same machine can tell that the holder
is gone (killed, crashed) and take its emails at once, instead of waiting out a
lease that must outlast the slowest send. A holder on another machine, or one still
alive however slow, keeps its lease."""

import os
import socket
from functools import cache
from pathlib import Path


@cache
def _host() -> str:
    return socket.gethostname()[:60]


def started(pid: int) -> str | None:
    """When a process started (clock ticks since boot), or None when it is gone.
    With the pid, it names one process: a pid used again later starts later."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:
        return "unknown"  # no /proc here: every holder counts as alive
    return stat.rsplit(")", 1)[1].split()[19]


def me() -> str:
    """This sender's name, as its claims carry it: read from /proc once per
    process (a forked child, with a pid of its own, reads its own)."""
    return _name(os.getpid())


@cache
def _name(pid: int) -> str:
    return f"{_host()}/{pid}/{started(pid)}"


def gone(claimant: str) -> bool:
    """True when the claimant is a process of this machine that no longer runs."""
    host, _, rest = claimant.partition("/")
    pid, _, start = rest.partition("/")
    if host != _host() or not pid.isdigit():
        return False
    now = started(int(pid))
    return now is None or (now != "unknown" and now != start)
