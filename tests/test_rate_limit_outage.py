"""The limit storage going away never blocks a patient: a stopped or frozen Redis
under the app costs no 500, the stored request gets its redirect, and the limit is
counted in memory until Redis answers again."""

import logging

import pytest
import redis
import time_machine

from clinic.models import Lead
from tests.helpers import all_rows, submit
from tests.services import REDIS_SERVER, Redis

pytestmark = pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server missing")


@pytest.fixture
def own_redis(tmp_path):
    server = Redis(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def limiter_log():
    """What Flask-Limiter logs (attached after the app is built, which reconfigures
    logging through Alembic)."""
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("flask-limiter")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


@pytest.fixture
def limited_app(make_app, own_redis):
    def build(limit="2 per minute"):
        return make_app(
            RATELIMIT_ENABLED=True,
            BOOKING_RATE_LIMIT=limit,
            RATELIMIT_STORAGE_URI=own_redis.url,
        )

    return build


def emails(app) -> list[str]:
    return [lead.email for lead in all_rows(app, Lead)]


def counters(server: Redis) -> list[bytes]:
    return redis.Redis(port=server.port).keys("*")


def test_a_stopped_redis_fails_open_and_says_so(limited_app, own_redis, limiter_log):
    app = limited_app()
    client = app.test_client()
    assert submit(client, email="a@example.com").status_code == 303
    assert counters(own_redis)  # counted in Redis while it answered
    own_redis.stop()
    response = submit(client, email="b@example.com")
    assert response.status_code == 303
    assert emails(app) == ["a@example.com", "b@example.com"]
    assert any("falling back" in record.getMessage() for record in limiter_log)


def test_a_frozen_redis_costs_a_short_wait_not_a_failure(limited_app, own_redis):
    app = limited_app()
    client = app.test_client()
    assert submit(client, email="a@example.com").status_code == 303
    own_redis.freeze()
    try:
        # Each would wait for ever on the open connection without a timeout.
        assert submit(client, email="b@example.com").status_code == 303
        assert submit(client, email="c@example.com").status_code == 303
    finally:
        own_redis.resume()
    assert emails(app) == ["a@example.com", "b@example.com", "c@example.com"]


def test_while_redis_is_down_the_limit_is_counted_in_memory(limited_app, own_redis):
    app = limited_app("2 per minute")
    client = app.test_client()
    own_redis.stop()
    assert submit(client, email="a@example.com").status_code == 303
    assert submit(client, email="b@example.com").status_code == 303
    # A form flood is still refused, and refused before it is stored.
    response = submit(client, email="c@example.com")
    assert response.status_code == 429
    assert emails(app) == ["a@example.com", "b@example.com"]


def test_counting_returns_to_redis_once_it_answers(limited_app, own_redis):
    app = limited_app("5 per minute")
    client = app.test_client()
    own_redis.stop()
    with time_machine.travel(0, tick=False) as traveller:
        traveller.move_to(1_900_000_000)
        assert submit(client, email="a@example.com").status_code == 303
        own_redis.start()
        assert counters(own_redis) == []
        # The limiter looks at the storage again after a back-off of seconds.
        traveller.shift(30)
        assert submit(client, email="b@example.com").status_code == 303
    assert counters(own_redis)


def test_over_the_limit_nothing_is_stored(limited_app, own_redis):
    app = limited_app("1 per minute")
    client = app.test_client()
    assert submit(client, email="a@example.com").status_code == 303
    assert submit(client, email="b@example.com").status_code == 429
    assert emails(app) == ["a@example.com"]
