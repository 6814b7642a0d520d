"""The SQLite-file counters behind the default rate limits, used as Flask-Limiter
uses them: fixed windows that fill, expire and are shared by every connection."""

import os
import threading
import time

import time_machine

from clinic.rate_limits import SQLiteFileStorage


def storage(tmp_path) -> SQLiteFileStorage:
    return SQLiteFileStorage(f"sqlite-file://{tmp_path / 'limits.sqlite3'}")


def test_a_window_counts_and_then_starts_again(tmp_path):
    counters = storage(tmp_path)
    with time_machine.travel("2027-01-04 10:00:00 +0000", tick=False) as clock:
        assert [counters.incr("k", 60) for _ in range(3)] == [1, 2, 3]
        assert counters.get("k") == 3
        assert counters.get_expiry("k") == time.time() + 60
        clock.shift(61)
        assert counters.get("k") == 0
        assert counters.incr("k", 60) == 1  # a new window


def test_two_storages_on_one_file_share_the_count(tmp_path):
    first, second = storage(tmp_path), storage(tmp_path)
    first.incr("k", 60)
    second.incr("k", 60, amount=2)
    assert first.get("k") == second.get("k") == 3


def test_counting_from_many_threads_loses_no_hit(tmp_path):
    counters = storage(tmp_path)
    start = threading.Barrier(8)

    def hit():
        start.wait()
        for _ in range(50):
            counters.incr("k", 60)

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counters.get("k") == 400


def test_the_file_is_owner_only(tmp_path):
    previous = os.umask(0o022)
    try:
        storage(tmp_path)
    finally:
        os.umask(previous)
    assert (tmp_path / "limits.sqlite3").stat().st_mode & 0o777 == 0o600


def test_clear_reset_and_check(tmp_path):
    counters = storage(tmp_path)
    counters.incr("a", 60)
    counters.incr("b", 60)
    counters.clear("a")
    assert (counters.get("a"), counters.get("b")) == (0, 1)
    assert counters.reset() == 1 and counters.get("b") == 0
    assert counters.check()
