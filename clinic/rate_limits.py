"""Rate-limit counters in a SQLite file of their own: the default storage, shared by
every process of one server, where `memory://` would give each gunicorn worker its
own count (two workers, twice the limit). Several servers share Redis instead.

A file of its own, never the app's database: a limiter writing after a request in
the database file the request itself writes would wait on that request's lock.
Losing counters in a crash costs nothing, so the file is not made durable.
"""

import os
import sqlite3
import threading
import time
from urllib.parse import urlsplit

from limits.storage import Storage
from redis.backoff import NoBackoff
from redis.retry import Retry

SCHEME = "sqlite-file"
PURGE_EVERY = 1000  # increments between sweeps of expired counters

SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    expires REAL NOT NULL
)
"""
# One statement: two processes counting at once cannot both read the old count.
INCREMENT = """
INSERT INTO counters (key, count, expires) VALUES (:key, :amount, :expires)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN counters.expires <= :now THEN excluded.count
                 ELSE counters.count + excluded.count END,
    expires = CASE WHEN counters.expires <= :now THEN excluded.expires
                   ELSE counters.expires END
RETURNING count
"""


REDIS_SCHEMES = {"redis", "rediss", "redis+unix", "valkey", "valkeys", "valkey+unix"}


def settle_options(config) -> None:
    """Bound every wait on the limit storage by RATELIMIT_STORAGE_TIMEOUT.

    redis-py would otherwise wait on a frozen server for as long as the kernel keeps
    the connection, and retry three times more; one failed call is enough for the
    limiter to count in memory until the server answers again.
    """
    options = config.setdefault("RATELIMIT_STORAGE_OPTIONS", {})
    timeout = config["RATELIMIT_STORAGE_TIMEOUT"]
    scheme = urlsplit(config["RATELIMIT_STORAGE_URI"]).scheme
    if scheme in REDIS_SCHEMES:
        options.setdefault("socket_timeout", timeout)
        options.setdefault("socket_connect_timeout", timeout)
        options.setdefault("retry", Retry(NoBackoff(), 0))
    elif scheme == SCHEME:
        options.setdefault("timeout", timeout)


class SQLiteFileStorage(Storage):
    """`sqlite-file:///path/to/file`: fixed-window counters in that file."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(
        self, uri: str, wrap_exceptions: bool = False, timeout: float = 5, **options
    ):
        super().__init__(uri, wrap_exceptions, **options)
        self.path = uri.removeprefix(f"{SCHEME}://")
        self.timeout = timeout
        self.local = threading.local()
        self.increments = 0
        os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
        self.db().execute(SCHEMA)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def db(self) -> sqlite3.Connection:
        """This thread's connection, opened afresh in a forked worker."""
        if getattr(self.local, "pid", None) != os.getpid():
            connection = sqlite3.connect(
                self.path, timeout=self.timeout, isolation_level=None
            )
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")
            self.local.connection, self.local.pid = connection, os.getpid()
        return self.local.connection

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        self.increments += 1
        if self.increments % PURGE_EVERY == 0:
            self.db().execute("DELETE FROM counters WHERE expires <= ?", (now,))
        values = {"key": key, "amount": amount, "expires": now + expiry, "now": now}
        return self.db().execute(INCREMENT, values).fetchone()[0]

    def live(self, key: str) -> tuple[int, float] | None:
        """The count and expiry of a window still open, if any."""
        query = "SELECT count, expires FROM counters WHERE key = ? AND expires > ?"
        return self.db().execute(query, (key, time.time())).fetchone()

    def get(self, key: str) -> int:
        window = self.live(key)
        return window[0] if window else 0

    def get_expiry(self, key: str) -> float:
        window = self.live(key)
        return window[1] if window else time.time()

    def check(self) -> bool:
        try:
            self.db().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self.db().execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        self.db().execute("DELETE FROM counters WHERE key = ?", (key,))
