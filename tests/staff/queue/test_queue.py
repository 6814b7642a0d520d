"""The front desk's queue: open leads, the longest waiting first, overdue ones
marked against the reply time the clinic promises; mine and unassigned; any column
sorts; the dashboard folded away so the first lead is in view."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.staff.helpers import STAFF, add_lead, create_account, sign_in


def hours_ago(hours: float) -> datetime:
    return datetime.now(UTC) - timedelta(hours=hours)


ROW = r'<tr class="([^"]*)">.*?class="lead-name" href="/staff/leads/\d+">([^<]+)<'


def row_of(page: str, name: str) -> str:
    return next(r for r in page.split("<tr")[1:] if f">{name} García<" in r)


def rows(page: str) -> list[tuple[str, str]]:
    """(first name, the row's classes), top to bottom."""
    return [(name.split()[0], classes) for classes, name in re.findall(ROW, page, re.S)]


def names(page: str) -> list[str]:
    return [name for name, _ in rows(page)]


# A Thursday at noon in the clinic's time zone: the promise is 24 hours, or the end of
# the next opening day when that is later (tests/test_before_they_ask.py).
THURSDAY_NOON = datetime(2027, 3, 4, 12, 0, tzinfo=ZoneInfo("America/Los_Angeles"))


@pytest.fixture
def desk(make_app, clock):
    clock.move_to(THURSDAY_NOON)
    app = make_app(REPLY_WITHIN_HOURS=24)
    me = create_account(app, STAFF)
    other = create_account(app, "other@clinic.test")
    add_lead(app, first_name="Fresh", created_at=hours_ago(2))
    add_lead(app, first_name="Late", created_at=hours_ago(48), phone="+17145550142")
    add_lead(app, first_name="Ancient", created_at=hours_ago(24 * 84))
    add_lead(app, first_name="Called", created_at=hours_ago(50), status="contacted")
    add_lead(app, first_name="Mine", created_at=hours_ago(5), assigned_to_id=me)
    add_lead(app, first_name="Theirs", created_at=hours_ago(6), assigned_to_id=other)
    add_lead(app, first_name="Booked", created_at=hours_ago(60), status="scheduled")
    add_lead(app, first_name="Done", created_at=hours_ago(90), status="closed")
    add_lead(app, first_name="Bot", status="spam", spam_reason="honeypot")
    client = app.test_client()
    sign_in(client, STAFF)
    return app, client


def test_the_default_view_is_the_work_to_do_longest_waiting_first(desk):
    _, client = desk
    page = client.get("/staff/leads").text
    assert names(page) == ["Ancient", "Called", "Late", "Theirs", "Mine", "Fresh"]
    assert "Showing 1–6 of 6 leads, oldest first" in page


def test_new_leads_past_the_promised_reply_time_are_overdue(desk):
    _, client = desk
    marked = {
        name: "overdue" in classes
        for name, classes in rows(client.get("/staff/leads").text)
    }
    # Past the promised reply (Tuesday noon's was due by Wednesday's close);
    # "Called" was reached.
    assert marked == {
        "Ancient": True,
        "Called": False,
        "Late": True,
        "Theirs": False,
        "Mine": False,
        "Fresh": False,
    }
    assert client.get("/staff/leads").text.count(">Overdue</span>") == 2


def test_without_a_promised_reply_time_nothing_is_overdue(make_app):
    app = make_app(REPLY_WITHIN_HOURS=None)
    create_account(app, STAFF)
    add_lead(app, first_name="Ancient", created_at=hours_ago(24 * 30))
    client = app.test_client()
    sign_in(client, STAFF)
    assert "Overdue" not in client.get("/staff/leads").text


def test_each_row_has_what_a_call_back_needs(desk):
    _, client = desk
    page = client.get("/staff/leads").text
    row = row_of(page, "Late")
    assert 'href="tel:+17145550142"' in row and "(714) 555-0142" in row
    assert "Botox for chronic migraine" in row
    assert "2 days" in row  # how long the patient has waited
    theirs = row_of(page, "Theirs")
    assert "other@clinic.test" in theirs


def test_mine_and_unassigned_split_the_queue(desk):
    _, client = desk
    assert names(client.get("/staff/leads?view=mine").text) == ["Mine"]
    unassigned = names(client.get("/staff/leads?view=unassigned").text)
    assert unassigned == ["Ancient", "Called", "Late", "Fresh"]
    page = client.get("/staff/leads").text
    for label, count in (("To do", 6), ("Mine", 1), ("Unassigned", 4)):
        assert re.search(rf'{label} <span class="count">{count}</span>', page)


def test_all_leads_keeps_the_status_tabs_and_newest_first(desk):
    _, client = desk
    page = client.get("/staff/leads?view=all").text
    assert names(page)[0] == "Fresh" and "Booked" in names(page)
    assert "Bot" not in names(page)
    assert 'aria-label="Lead status"' in page
    assert 'aria-label="Lead status"' not in client.get("/staff/leads").text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "sort=name&order=asc",
            ["Ancient", "Called", "Fresh", "Late", "Mine", "Theirs"],
        ),
        (
            "sort=name&order=desc",
            ["Theirs", "Mine", "Late", "Fresh", "Called", "Ancient"],
        ),
        (
            "sort=received&order=desc",
            ["Fresh", "Mine", "Theirs", "Late", "Called", "Ancient"],
        ),
        # Assigned first (by name), then the unassigned, each oldest first.
        (
            "sort=assignee&order=asc",
            ["Mine", "Theirs", "Ancient", "Called", "Late", "Fresh"],
        ),
        (
            "sort=status&order=asc",
            ["Called", "Ancient", "Late", "Theirs", "Mine", "Fresh"],
        ),
    ],
)
def test_any_column_sorts_the_list(desk, query, expected):
    _, client = desk
    assert names(client.get(f"/staff/leads?{query}").text) == expected


def test_a_column_header_sorts_and_says_how(desk):
    _, client = desk
    page = client.get("/staff/leads").text
    assert (
        'aria-sort="ascending"><a href="/staff/leads?sort=received&amp;order=desc"'
        in page
    )
    by_name = client.get("/staff/leads?sort=name&order=asc").text
    assert (
        'aria-sort="ascending"><a href="/staff/leads?sort=name&amp;order=desc"'
        in by_name
    )
    # Paging and filtering keep the sort.
    assert 'name="sort" value="name"' in by_name


@pytest.mark.parametrize(
    "query",
    ["sort=phone", "sort=%3Cscript%3E", "order=sideways&sort=name", "view=everything"],
)
def test_a_malformed_sort_or_view_is_left_out_with_a_message(desk, query):
    _, client = desk
    page = client.get(f"/staff/leads?{query}")
    assert page.status_code == 400
    assert "Some filters could not be used" in page.text
    assert len(names(page.text)) >= 1


def test_the_dashboard_is_folded_so_the_queue_comes_first(desk):
    _, client = desk
    page = client.get("/staff/leads").text
    fold = re.search(r'<details class="fold" data-remember="dashboard"[^>]*>', page)
    assert fold and "open" not in fold.group(0)
    assert "Dashboard: 5 new" in page


def test_a_patient_who_asks_again_is_linked_to_their_earlier_leads(make_app):
    app = make_app()
    create_account(app, STAFF)
    first = add_lead(
        app, first_name="Ana", email="ana@example.com", created_at=hours_ago(72)
    )
    add_lead(app, first_name="Bot", email="ana@example.com", status="spam")
    by_email = add_lead(
        app, first_name="Ana", email="ANA@Example.com", phone="+17145550199"
    )
    by_phone = add_lead(
        app, first_name="A.", email="a@example.org", phone="+17145550199"
    )
    stranger = add_lead(
        app, first_name="Zed", email="zed@example.com", phone="+17145550100"
    )
    client = app.test_client()
    sign_in(client, STAFF)
    page = client.get("/staff/leads").text
    assert (
        'title="The same email or phone as lead #1">Asked before' in row_of(page, "Ana")
        or "Asked before" in page.split(f"/staff/leads/{by_email}")[1].split("</tr>")[0]
    )
    marked = [
        lead_id
        for lead_id in (first, by_email, by_phone, stranger)
        if "Asked before"
        in page.split(f'href="/staff/leads/{lead_id}"')[1].split("</tr>")[0]
    ]
    # An email is the patient; a phone shared with another email only hints.
    assert marked == [by_email]
    second = client.get(f"/staff/leads/{by_email}").text
    section = second.split('class="asked-before"')[1].split("</section>")[0]
    assert "Asked before" in section and "1 other lead" in section
    assert f"#{first} Ana" in section and "Bot García" not in section
    assert "(another phone: +17145550123)" in section
    later = client.get(f"/staff/leads/{by_phone}").text
    assert 'class="asked-before"' not in later and "Merge into" not in later
    hint = later.split('class="same-phone"')[1].split("</section>")[0]
    assert f"#{by_email} Ana" in hint and f"#{first}" not in hint
    earliest = client.get(f"/staff/leads/{first}").text
    assert "Asked again later" in earliest
    assert 'class="asked-before"' not in client.get(f"/staff/leads/{stranger}").text


def test_a_repeat_request_merges_into_the_first_and_leaves_the_queue(make_app):
    app = make_app()
    create_account(app, STAFF)
    first = add_lead(app, first_name="Ana", created_at=hours_ago(72))
    again = add_lead(app, first_name="Ana", message="Me again, about Tuesday")
    client = app.test_client()
    sign_in(client, STAFF)
    page = client.get(f"/staff/leads/{again}").text
    assert f"Merge into #{first}, their first request" in page
    assert "Merge into" not in client.get(f"/staff/leads/{first}").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = client.post(
        f"/staff/leads/{again}/merge", data={"csrf_token": token, "into": first}
    )
    assert answer.status_code == 303
    assert answer.location.endswith(f"/staff/leads/{first}#work")
    assert names(client.get("/staff/leads").text) == ["Ana"]  # one record
    merged = client.get(f"/staff/leads/{again}").text
    assert f"Merged into #{first}" in merged and "Me again, about Tuesday" in merged
    assert "badge-closed" in merged.split('class="lead-head"')[1][:400]
    assert (
        f"Request #{again} from the same patient merged here."
        in client.get(f"/staff/leads/{first}").text
    )


@pytest.mark.parametrize("into", ["", "999", "abc", "2"])
def test_merging_into_anything_but_the_same_patient_is_refused(make_app, into):
    app = make_app()
    create_account(app, STAFF)
    add_lead(app, first_name="Ana")
    stranger = add_lead(
        app, first_name="Zed", email="zed@example.com", phone="+17145550100"
    )
    client = app.test_client()
    sign_in(client, STAFF)
    page = client.get(f"/staff/leads/{stranger}").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = client.post(
        f"/staff/leads/{stranger}/merge", data={"csrf_token": token, "into": into}
    )
    assert answer.status_code == 400
    assert "cannot be merged there" in answer.text
    assert "New" in answer.text.split('class="lead-head"')[1][:400]


def test_every_staff_page_counts_the_new_leads_in_title_and_navigation(desk):
    _, client = desk
    for path in ("/staff/leads", "/staff/calendar", "/staff/leads/1"):
        page = client.get(path).text
        title = re.search(r"<title>([^<]*)</title>", page).group(1)
        assert title.startswith("(5 new) "), title
        assert (
            '<span class="nav-count">5<span class="visually-hidden"> new</span>' in page
        )


def test_a_shared_phone_alone_never_merges(make_app):
    app = make_app()
    create_account(app, STAFF)
    first = add_lead(app, first_name="Ana", created_at=hours_ago(72))
    sister = add_lead(app, first_name="Bea", email="bea@example.com")  # same phone
    client = app.test_client()
    sign_in(client, STAFF)
    page = client.get(f"/staff/leads/{sister}").text
    assert "Merge into" not in page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = client.post(
        f"/staff/leads/{sister}/merge", data={"csrf_token": token, "into": first}
    )
    assert answer.status_code == 400 and "cannot be merged there" in answer.text
    assert 'class="same-phone"' in answer.text


SATURDAY_3PM = datetime(2027, 3, 6, 15, 0, tzinfo=ZoneInfo("America/Los_Angeles"))


def test_a_request_sent_before_a_closed_day_is_due_by_the_next_opening_day(
    make_app, clock
):
    # Closed on Sunday: Saturday's request is owed a reply by Monday's close (6 pm),
    # not by Sunday afternoon, 24 hours on.
    clock.move_to(SATURDAY_3PM)
    app = make_app(REPLY_WITHIN_HOURS=24)
    create_account(app, STAFF)
    add_lead(app, first_name="Weekend")
    for moment, late in (
        (SATURDAY_3PM + timedelta(hours=25), False),  # Sunday, 4 pm
        (SATURDAY_3PM + timedelta(days=2, hours=2, minutes=59), False),  # Mon 5:59
        (SATURDAY_3PM + timedelta(days=2, hours=3, minutes=1), True),  # Mon 6:01
    ):
        clock.move_to(moment)
        client = app.test_client()  # a day on, yesterday's session has ended
        sign_in(client, STAFF)
        (row,) = rows(client.get("/staff/leads").text)
        assert ("overdue" in row[1]) is late, moment
