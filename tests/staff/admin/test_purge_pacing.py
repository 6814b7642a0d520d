"""Housekeeping never locks patients out: the purge removes a few leads a
transaction with a pause after each, checkpoints SQLite's log once, stops with the
worker, runs at the clinic's quiet hour (not at start-up), and never runs twice at
once. bench/purge_latency.py measures form posts during a purge of 20,000 leads."""

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from clinic.leads import retention, workflow
from clinic.models import AuditEvent, Lead
from clinic.outbox import chores
from clinic.outbox.runner import Runner
from tests.helpers import all_rows
from tests.staff.helpers import old_lead

CLINIC = ZoneInfo("America/Los_Angeles")


def test_a_purge_gives_way_between_small_batches(app, monkeypatch):
    for _ in range(retention.BATCH * 2 + 5):
        old_lead(app, "closed")
    waits = []
    stop = threading.Event()
    monkeypatch.setattr(stop, "wait", lambda seconds: waits.append(seconds) or False)
    checkpoints = []
    monkeypatch.setattr(workflow, "checkpoint_log", lambda: checkpoints.append(1))
    with app.app_context():
        found = retention.purge(stop=stop, pause=0.05)
    assert len(found.leads) == retention.BATCH * 2 + 5
    assert waits == [0.05, 0.05]  # a pause between each of three batches
    assert checkpoints == [1]  # the log moved once, at the end
    assert all_rows(app, Lead) == []
    deleted = [e for e in all_rows(app, AuditEvent) if e.action == "delete"]
    assert len(deleted) == retention.BATCH * 2 + 5


def test_a_purge_stops_with_the_worker(app):
    for _ in range(retention.BATCH * 2):
        old_lead(app, "closed")
    stop = threading.Event()
    stop.set()
    with app.app_context():
        found = retention.purge(stop=stop)
    assert len(found.leads) == retention.BATCH  # the batch under way, then stop
    assert len(all_rows(app, Lead)) == retention.BATCH


def test_two_purges_never_run_at_once(app):
    doomed = [old_lead(app, "closed") for _ in range(3)]
    with app.app_context():
        with retention.only_purge() as first:
            assert first
            second = retention.purge()
        assert second.refused and "another purge is running" in second.refused
        assert sorted(lead.id for lead in all_rows(app, Lead)) == sorted(doomed)
        assert retention.purge().leads  # once the first is over, it runs
    deleted = [e.lead_id for e in all_rows(app, AuditEvent) if e.action == "delete"]
    assert sorted(deleted) == sorted(doomed)  # one record each, never two


@pytest.mark.parametrize(
    ("local", "hours"),
    [("2027-03-01T14:00", 13), ("2027-03-01T02:30", 0.5), ("2027-03-01T03:00", 24)],
)
def test_the_worker_purges_at_the_quiet_hour(app, local, hours):
    moment = datetime.fromisoformat(local).replace(tzinfo=CLINIC)
    with time_machine.travel(moment, tick=False), app.app_context():
        assert chores.until_quiet_hour() == hours * 3600


def test_the_worker_does_not_purge_at_start_up(app):
    old_lead(app, "closed")
    runs = []
    runner = Runner(
        app,
        threading.Event(),
        5,
        daily=lambda stop: runs.append(1),
        daily_at=lambda: 3600,
    )
    runner.step()
    assert runs == [] and len(all_rows(app, Lead)) == 1
    runner.daily_due = 0  # the hour strikes
    runner.step()
    assert runs == [1]


@pytest.mark.parametrize("hour", [-1, 24, "3", True])
def test_a_retention_hour_must_be_an_hour(make_app, hour):
    with pytest.raises(RuntimeError, match="RETENTION_HOUR"):
        make_app(RETENTION_HOUR=hour)
