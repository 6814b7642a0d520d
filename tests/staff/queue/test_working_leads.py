"""A day at the front desk: the list, its filters, and working one lead through
statuses, assignment, notes, spam release and emails."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from clinic.extensions import db
from clinic.models import AuditEvent, Lead, LeadNote, OutboxEmail
from clinic.outbox.delivery import send_due
from tests.helpers import all_rows, parse_html
from tests.staff.helpers import (
    ADMIN,
    STAFF,
    add_lead,
    create_account,
    csrf_token,
    lead_emails,
    sign_in,
)


def names_on(page: str) -> list[str]:
    """The names in the list, top to bottom."""
    return re.findall(r'href="/staff/leads/\d+">([^<]+)</a>', page)


def days_ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


def test_all_leads_lists_newest_first_and_new_leads_stand_out(app, staff_client):
    add_lead(app, first_name="Older", created_at=days_ago(2), status="contacted")
    add_lead(app, first_name="Newest", created_at=days_ago(0))
    add_lead(app, first_name="Middle", created_at=days_ago(1))
    page = staff_client.get("/staff/leads?view=all").text
    assert names_on(page) == ["Newest García", "Middle García", "Older García"]
    assert page.count('class="status-row-new') == 2
    assert re.search(r"New <span class=\"count\">2</span>", page)
    assert re.search(r"Contacted <span class=\"count\">1</span>", page)


def test_spam_is_kept_out_of_the_list_until_asked_for(app, staff_client):
    add_lead(app, first_name="Real")
    add_lead(app, first_name="Bot", status="spam", spam_reason="x")
    assert names_on(staff_client.get("/staff/leads").text) == ["Real García"]
    spam = staff_client.get("/staff/leads?status=spam").text
    assert names_on(spam) == ["Bot García"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status=scheduled", ["Cara"]),
        ("treatment=laser-hair-removal", ["Ben"]),
        ("source=article", ["Ana"]),
        ("source=treatment", ["Ben"]),
        ("source=home", ["Cara"]),
        ("source=other", ["Dan"]),
        ("q=ben", ["Ben"]),
        ("q=OKAFOR", ["Ben"]),
        ("q=cara%40example", ["Cara"]),
        ("q=555-0199", ["Dan"]),
        ("q=(714)+555+0199", ["Dan"]),
        ("q=ana+garc", ["Ana"]),
        ("q=ana+okafor", []),
        ("q=%25", []),
        ("q=_", []),
        ("received_from={week_ago}", ["Dan", "Cara"]),
        ("received_to={week_ago}", ["Ben", "Ana"]),
        ("received_from={week_ago}&received_to={week_ago}", []),
        ("source=treatment&treatment=botox-chronic-migraine", []),
    ],
)
def test_filters_and_search_narrow_the_list(app, staff_client, query, expected):
    add_lead(
        app,
        first_name="Ana",
        source_path="/blog/medical-benefits-of-botox",
        created_at=days_ago(30),
    )
    add_lead(
        app,
        first_name="Ben",
        last_name="Okafor",
        email="ben@example.com",
        source_path="/treatments/",
        treatment="laser-hair-removal",
        created_at=days_ago(20),
    )
    add_lead(
        app,
        first_name="Cara",
        email="cara@example.com",
        source_path="/",
        status="scheduled",
        created_at=days_ago(3),
    )
    add_lead(
        app,
        first_name="Dan",
        email="dan@example.com",
        phone="+17145550199",
        created_at=days_ago(1),
    )
    week_ago = (datetime.now(UTC) - timedelta(days=7)).date().isoformat()
    page = staff_client.get("/staff/leads?view=all&" + query.format(week_ago=week_ago))
    assert page.status_code == 200
    assert [name.split()[0] for name in names_on(page.text)] == expected


def test_pages_keep_the_filters_in_their_links(make_app):
    app = make_app(STAFF_LEADS_PER_PAGE=2)
    create_account(app, STAFF)
    for n in range(5):
        add_lead(
            app,
            first_name=f"P{n}",
            created_at=days_ago(n),
            treatment="laser-hair-removal",
        )
    add_lead(app, first_name="Other", treatment="botox-chronic-migraine")
    client = app.test_client()
    sign_in(client, STAFF)
    first = client.get("/staff/leads?view=all&treatment=laser-hair-removal").text
    assert names_on(first) == ["P0 García", "P1 García"]
    assert "Showing 1–2 of 5 leads" in first
    older = (
        re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    )
    assert "treatment=laser-hair-removal" in older and "page=2" in older
    assert "view=all" in older
    assert names_on(client.get(older).text) == ["P2 García", "P3 García"]
    last = client.get("/staff/leads?view=all&treatment=laser-hair-removal&page=99").text
    assert names_on(last) == ["P4 García"]
    assert "Page 3 of 3" in last


@pytest.mark.parametrize(
    "query",
    [
        "status=archived",
        "treatment=%3Cscript%3E",
        "source=mars",
        "received_from=2026-13-45",
        "received_from=yesterday",
        "received_from=2026-02-01&received_to=2026-01-01",
        "received_to=9999-12-31",
        "received_from=0001-01-01",
        "page=-3",
        "page=abc",
        "page=99999999999999999999",
        "q=" + "x" * 500,
        "q=%00%01",
        "q=%E2%80%8B",
        "status=new&status=spam",
        "q=%27%20OR%201%3D1%20--",
    ],
)
def test_malformed_filters_are_ignored_with_a_message(app, staff_client, query):
    add_lead(app, first_name="Kept")
    answer = staff_client.get("/staff/leads?" + query)
    assert "<script>" not in answer.text
    if "OR" not in query and "status=new" not in query:
        assert answer.status_code == 400
        assert "Some filters could not be used and were left out" in answer.text
        assert "Kept" in answer.text  # the list is still shown, without them
        export = staff_client.get("/staff/leads.csv?" + query)
        assert export.status_code == 400 and "Some filters could not" in export.text
    else:
        assert answer.status_code == 200
    assert len(all_rows(app, Lead)) == 1


def lead_page(client, lead_id: int) -> str:
    return client.get(f"/staff/leads/{lead_id}").text


def act(client, lead_id: int, action: str, **data):
    page = lead_page(client, lead_id)
    return client.post(
        f"/staff/leads/{lead_id}/{action}",
        data={"csrf_token": csrf_token(page), **data},
    )


def test_a_lead_moves_through_the_workflow(app, staff_client):
    lead_id = add_lead(app, created_at=days_ago(0.5))
    for new, shown in [
        ("contacted", "new"),
        ("scheduled", "contacted"),
        ("completed", "scheduled"),
    ]:
        answer = act(staff_client, lead_id, "status", status=new, current=shown)
        assert answer.status_code == 303
        page = staff_client.get(answer.location).text
        assert f"Status changed to {new}." in page
    (lead,) = all_rows(app, Lead)
    assert lead.status == "completed"
    waited = lead.first_contacted_at - lead.created_at
    assert timedelta(hours=11) < waited < timedelta(hours=13)
    details = [e.detail for e in all_rows(app, AuditEvent) if e.action == "status"]
    assert details == [
        "new → contacted",
        "contacted → scheduled",
        "scheduled → completed",
    ]


@pytest.mark.parametrize(
    "status, current",
    [
        ("completed", "new"),
        ("closed", "completed"),
        ("archived", "new"),
        ("", "new"),
        ("contacted", "spam"),
    ],
)
def test_a_move_the_workflow_does_not_allow_is_refused(
    app, staff_client, status, current
):
    lead_id = add_lead(app)
    answer = act(staff_client, lead_id, "status", status=status, current=current)
    assert answer.status_code in (303, 400)
    page = (
        staff_client.get(answer.location).text
        if answer.status_code == 303
        else answer.text
    )
    assert 'class="flash flash-error"' in page or 'class="error-message"' in page
    (lead,) = all_rows(app, Lead)
    assert lead.status == "new"


def test_a_change_made_meanwhile_by_someone_else_wins(app, staff_client):
    lead_id = add_lead(app)
    page = lead_page(staff_client, lead_id)
    token = csrf_token(page)
    other = app.test_client()
    create_account(app, "second@clinic.test")
    sign_in(other, "second@clinic.test")
    act(other, lead_id, "status", status="closed", current="new")
    answer = staff_client.post(
        f"/staff/leads/{lead_id}/status",
        data={"csrf_token": token, "status": "contacted", "current": "new"},
    )
    assert "Someone else changed" in staff_client.get(answer.location).text
    assert all_rows(app, Lead)[0].status == "closed"


def test_a_double_click_on_a_status_changes_it_once(app, staff_client):
    lead_id = add_lead(app)
    page = lead_page(staff_client, lead_id)
    data = {"csrf_token": csrf_token(page), "status": "contacted", "current": "new"}
    first = staff_client.post(f"/staff/leads/{lead_id}/status", data=data)
    second = staff_client.post(f"/staff/leads/{lead_id}/status", data=data)
    assert first.status_code == second.status_code == 303
    assert "Already contacted" in staff_client.get(second.location).text
    assert [e.action for e in all_rows(app, AuditEvent)].count("status") == 1


def test_notes_are_appended_with_author_and_time(app, staff_client):
    lead_id = add_lead(app)
    act(staff_client, lead_id, "notes", body="Left a voicemail.")
    act(staff_client, lead_id, "notes", body="Called back;\nbooked for Tuesday.")
    notes = all_rows(app, LeadNote)
    assert [n.body for n in notes] == [
        "Left a voicemail.",
        "Called back;\nbooked for Tuesday.",
    ]
    page = lead_page(staff_client, lead_id)
    assert page.index("Left a voicemail.") < page.index("booked for Tuesday.")
    assert page.count(STAFF) >= 3  # the header and both notes
    # There is no way to change or remove a note.
    rules = {r.rule for r in app.url_map.iter_rules() if "note" in r.rule}
    assert rules == {"/staff/leads/<id:lead_id>/notes"}
    assert {
        m for r in app.url_map.iter_rules() if "note" in r.rule for m in r.methods
    } <= {"POST", "OPTIONS"}


@pytest.mark.parametrize(
    "body, message",
    [
        ("", "Write the note first."),
        ("   \n ", "Write the note first."),
        ("x" * 5001, "Keep a note under 5,000 characters."),
        ("bad\x00byte", "Please remove the special characters"),
        ("zero\u200bwidth", "Please remove the special characters"),
    ],
)
def test_a_bad_note_is_refused_and_kept_for_fixing(app, staff_client, body, message):
    lead_id = add_lead(app)
    answer = act(staff_client, lead_id, "notes", body=body)
    assert answer.status_code == 400
    assert message in answer.text
    assert all_rows(app, LeadNote) == []


def test_a_note_sent_twice_is_kept_once(app, staff_client):
    lead_id = add_lead(app)
    page = lead_page(staff_client, lead_id)
    data = {"csrf_token": csrf_token(page), "body": "Booked."}
    staff_client.post(f"/staff/leads/{lead_id}/notes", data=data)
    answer = staff_client.post(f"/staff/leads/{lead_id}/notes", data=data)
    assert "That note was already added." in staff_client.get(answer.location).text
    assert len(all_rows(app, LeadNote)) == 1


def test_leads_are_assigned_and_unassigned(app, staff_client, staff_id):
    lead_id = add_lead(app)
    assert (
        act(staff_client, lead_id, "assign", assignee=str(staff_id)).status_code == 303
    )
    assert all_rows(app, Lead)[0].assigned_to_id == staff_id
    assert STAFF in staff_client.get("/staff/leads").text.split("<tbody>")[-1]
    assert act(staff_client, lead_id, "assign", assignee="").status_code == 303
    assert all_rows(app, Lead)[0].assigned_to_id is None
    details = [e.detail for e in all_rows(app, AuditEvent) if e.action == "assign"]
    assert details == [f"nobody → {STAFF}", f"{STAFF} → nobody"]


def staff_queries(app, client, url: str) -> tuple[str, int]:
    """Fetch a staff URL; return its body and how many statements read staff rows."""
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            body = client.get(url).text
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    return body, sum("FROM staff_users" in s for s in statements)


@pytest.mark.parametrize("url", ["/staff/leads", "/staff/leads.csv"])
def test_the_list_reads_assignees_in_one_query_however_many(app, staff_client, url):
    one = create_account(app, "one@clinic.test")
    add_lead(app, assigned_to_id=one)
    body, with_one = staff_queries(app, staff_client, url)
    assert "one@clinic.test" in body
    colleagues = [f"colleague{n}@clinic.test" for n in range(5)]
    for email in colleagues:
        add_lead(app, assigned_to_id=create_account(app, email))
    body, with_six = staff_queries(app, staff_client, url)
    assert all(email in body for email in colleagues)
    assert with_six == with_one


@pytest.mark.parametrize("assignee", ["999", "abc", "-1", "1; DROP TABLE leads"])
def test_assigning_to_someone_unknown_is_refused(app, staff_client, assignee):
    lead_id = add_lead(app)
    answer = act(staff_client, lead_id, "assign", assignee=assignee)
    assert answer.status_code == 400
    assert "Not a valid choice" in answer.text
    assert all_rows(app, Lead)[0].assigned_to_id is None


def test_a_deactivated_colleague_cannot_be_assigned(app, staff_client):
    other = create_account(app, "left@clinic.test")
    app.test_cli_runner().invoke(args=["staff", "deactivate", "left@clinic.test"])
    lead_id = add_lead(app)
    assert act(staff_client, lead_id, "assign", assignee=str(other)).status_code == 400


def test_releasing_a_lead_from_spam_makes_it_new_and_sends_its_emails(
    make_app, smtp, smtp_port
):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port)
    create_account(app, STAFF)
    client = app.test_client()
    sign_in(client, STAFF)
    lead_id = add_lead(
        app,
        status="spam",
        spam_reason="hidden honeypot field was filled in",
    )
    page = lead_page(client, lead_id)
    assert "hidden honeypot field was filled in" in page
    answer = act(client, lead_id, "release")
    assert answer.status_code == 303
    (lead,) = all_rows(app, Lead)
    assert (lead.status, lead.is_spam) == ("new", False)
    with app.app_context():
        assert send_due().sent == 2
    assert sorted(e.rcpt_tos[0] for e in smtp.envelopes) == [
        "ana@example.com",
        "frontdesk@clinic.test",
    ]
    again = act(client, lead_id, "release")
    assert "not marked as spam" in client.get(again.location).text
    assert len(all_rows(app, OutboxEmail)) == 2


def test_send_again_retries_a_failed_email_and_copies_a_sent_one(
    make_app, smtp, smtp_port
):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port)
    create_account(app, STAFF)
    client = app.test_client()
    sign_in(client, STAFF)
    lead_id = add_lead(app)
    with app.app_context():
        send_due()
    notification, ack = lead_emails(app, lead_id)
    # Pretend the acknowledgement failed for good.
    with app.app_context():
        db.session.get(OutboxEmail, ack.id).status = "failed"
        db.session.commit()
    page = lead_page(client, lead_id)
    assert "failed" in page and "sent" in page
    act(client, lead_id, f"emails/{ack.id}/resend")  # failed: tried again at once
    # Delivered: a second copy only once confirmed.
    asked = act(client, lead_id, f"emails/{notification.id}/resend")
    assert asked.status_code == 200
    assert "again?" in asked.text and "Yes, send it again" in asked.text
    assert len(lead_emails(app, lead_id)) == 2  # nothing queued by the question
    resend = f"emails/{notification.id}/resend"
    act(client, lead_id, resend, confirmed="1")
    act(client, lead_id, resend, confirmed="1")  # a double click
    emails = lead_emails(app, lead_id)
    assert [(e.kind, e.status) for e in emails] == [
        ("clinic_notification", "sent"),
        ("patient_ack", "pending"),
        ("clinic_notification", "pending"),
    ]
    with app.app_context():
        assert send_due().sent == 2
    assert len(smtp.envelopes) == 4
    assert [e.action for e in all_rows(app, AuditEvent)].count("resend") == 2


def test_send_again_for_another_leads_email_is_a_404(app, staff_client):
    mine, theirs = add_lead(app), add_lead(app)
    other_email = lead_emails(app, theirs)[0].id
    answer = act(staff_client, mine, f"emails/{other_email}/resend")
    assert answer.status_code == 404


def test_a_search_keeps_its_words_out_of_every_url(app, staff_client):
    for n in range(3):
        add_lead(app, first_name="Zoë", last_name=f"Quintero{n}", email=f"z{n}@x.test")
    add_lead(app, first_name="Other", last_name="Person")
    page = staff_client.get("/staff/leads").text
    sent = staff_client.post(
        "/staff/leads/search",
        data={"csrf_token": csrf_token(page), "q": "Quintero", "source": "other"},
    )
    assert sent.status_code == 303
    assert "Quintero" not in sent.location and "search=" in sent.location
    listed = staff_client.get(sent.location).text
    assert sorted(names_on(listed)) == [f"Zoë Quintero{n}" for n in range(3)]
    assert 'value="Quintero"' in listed  # the box still shows what was searched
    document = parse_html(listed)
    hrefs = [a.get("href") or "" for a in document.iter("a")]
    actions = [f.get("action") or "" for f in document.iter("form")]
    assert not [url for url in hrefs + actions if "Quintero" in url]
    export = next(h for h in hrefs if h.startswith("/staff/leads.csv"))
    assert staff_client.get(export).text.count("Quintero") == 3
    # Signed out, the sign-in page's next= carries the key, not the words.
    staff_client.post("/staff/logout", data={"csrf_token": csrf_token(listed)})
    back = staff_client.get(sent.location)
    assert "search%3D" in back.location and "Quintero" not in back.location


def test_another_session_cannot_read_a_search_by_its_key(app, staff_client, admin_id):
    add_lead(app, first_name="Zoë", last_name="Quintero")
    page = staff_client.get("/staff/leads").text
    sent = staff_client.post(
        "/staff/leads/search", data={"csrf_token": csrf_token(page), "q": "Quintero"}
    )
    other = app.test_client()
    assert sign_in(other, ADMIN).status_code == 303
    answer = other.get(sent.location)
    assert 'value="Quintero"' not in answer.text
    # Nor does it pass for an unsearched list: it says the search has ended.
    assert answer.status_code == 400
    assert "That search has ended. Please search again." in answer.text


@pytest.mark.parametrize(
    "fields",
    [
        {"q": "x" * 101},
        {"q": "a\x00b"},
        {"received_to": "9999-12-31"},
        {"status": "archived"},
        {"treatment": "<script>"},
    ],
)
def test_a_malformed_search_is_left_out_with_a_message(app, staff_client, fields):
    add_lead(app, first_name="Kept")
    page = staff_client.get("/staff/leads").text
    sent = staff_client.post(
        "/staff/leads/search", data={"csrf_token": csrf_token(page), **fields}
    )
    assert sent.status_code == 303
    listed = staff_client.get(sent.location)
    assert listed.status_code == 200 and "Kept" in listed.text
    assert "Some filters could not be used and were left out." in listed.text
