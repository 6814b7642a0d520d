"""Replying from the lead: templates the clinic edits, a preview, the email owed
through the outbox (a mail server that is down loses nothing), shown on the lead
with its delivery state."""

import email
import re
from email.header import decode_header, make_header
from html import unescape

import pytest

from clinic.models import AuditEvent, OutboxEmail, ReplyTemplate
from tests.helpers import all_rows
from tests.staff.helpers import (
    ADMIN,
    STAFF,
    add_lead,
    create_account,
    csrf_token,
    lead_emails,
    sign_in,
)

TRIED = {
    "name": "Tried to call",
    "subject": "We tried to call you, {first_name}",
    "body": (
        "Hello {first_name},\nWe called about {treatment}. Call us on {clinic_phone}."
    ),
}


def subject_of(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def reply(client, lead_id, **data):
    page = client.get(f"/staff/leads/{lead_id}").text
    return client.post(
        f"/staff/leads/{lead_id}/reply", data={"csrf_token": csrf_token(page), **data}
    )


def add_template(app, client):
    page = client.get("/staff/replies").text
    return client.post("/staff/replies", data={"csrf_token": csrf_token(page), **TRIED})


@pytest.fixture
def desk(make_app, smtp_port):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port)
    create_account(app, STAFF)
    create_account(app, ADMIN, admin=True)
    admin = app.test_client()
    sign_in(admin, ADMIN)
    assert add_template(app, admin).status_code == 303
    staff = app.test_client()
    sign_in(staff, STAFF)
    return app, staff, admin


def test_a_reply_starts_from_a_template_is_previewed_and_reaches_the_patient(
    desk, smtp
):
    app, staff, _ = desk
    lead_id = add_lead(app, first_name="Zoë", email="zoe@example.com")
    (template,) = all_rows(app, ReplyTemplate)
    used = reply(staff, lead_id, step="use", template=str(template.id))
    assert used.status_code == 200
    assert 'value="We tried to call you, {first_name}"' in used.text
    preview = reply(
        staff, lead_id, step="preview", subject=TRIED["subject"], message=TRIED["body"]
    )
    shown = unescape(preview.text.split('class="reply-preview"')[1].split("</div>")[0])
    assert "We tried to call you, Zoë" in shown
    assert (
        "We called about Botox for chronic migraine. Call us on (714) 777-6625."
        in shown
    )
    assert lead_emails(app, lead_id)[-1].kind != "reply"  # a preview sends nothing
    sent = reply(
        staff, lead_id, step="send", subject=TRIED["subject"], message=TRIED["body"]
    )
    assert sent.status_code == 303 and sent.location.endswith("#work")
    app.test_cli_runner().invoke(args=["outbox", "send", "--all"])
    assert smtp.wait_for(3)  # the notification, the acknowledgement, the reply
    messages = [email.message_from_bytes(e.content) for e in smtp.envelopes]
    (message,) = [m for m in messages if "tried to call" in subject_of(m).lower()]
    assert message["To"] == "zoe@example.com"
    assert subject_of(message) == "We tried to call you, Zoë"
    assert message["Reply-To"] == "hello@visage-clinic.example"
    page = staff.get(f"/staff/leads/{lead_id}").text
    assert "Reply from the clinic" in page
    (row,) = [e for e in lead_emails(app, lead_id) if e.kind == "reply"]
    assert row.status == "sent" and row.body.startswith("Hello Zoë,")
    events = [e for e in all_rows(app, AuditEvent) if e.action == "reply"]
    assert len(events) == 1 and "Zoë" not in events[0].detail  # who, never what


def test_a_reply_waits_in_the_outbox_while_the_mail_server_is_down(desk):
    app, staff, _ = desk  # nothing listens on the mail port yet
    lead_id = add_lead(app)
    reply(staff, lead_id, step="send", subject="Hello", message="We called.")
    app.test_cli_runner().invoke(args=["outbox", "send", "--all"])
    (row,) = [e for e in lead_emails(app, lead_id) if e.kind == "reply"]
    assert row.status == "pending" and row.body == "We called."  # kept, to retry


def test_a_double_click_sends_one_reply(desk):
    app, staff, _ = desk
    lead_id = add_lead(app)
    for _ in range(2):
        reply(staff, lead_id, step="send", subject="Hello", message="We called.")
    assert len([e for e in lead_emails(app, lead_id) if e.kind == "reply"]) == 1


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"subject": "", "message": "x"}, "Write a subject."),
        ({"subject": "Hi", "message": "   "}, "Write the message."),
        ({"subject": "x" * 201, "message": "x"}, "Keep the subject under 200."),
        ({"subject": "Hi", "message": "x" * 5001}, "Keep the message under 5,000."),
        ({"subject": "Hi\rBcc: evil@example.com", "message": "x"}, "on one line"),
        (
            {
                "subject": "Hi",
                "message": "x",
                "step": "use",
                "template": "99999999999999",
            },
            "",
        ),
        ({"subject": "Hi", "message": "x", "step": "use", "template": "²"}, ""),
        ({"subject": "Hi", "message": "x", "step": "use", "template": "-1"}, ""),
    ],
)
def test_a_malformed_reply_is_refused_and_keeps_what_was_typed(desk, data, said):
    app, staff, _ = desk
    lead_id = add_lead(app)
    answer = reply(staff, lead_id, **{"step": "send", **data})
    assert answer.status_code in (200, 400)
    if said:
        assert answer.status_code == 400
        assert said in unescape(answer.text)
        typed = data["message"].strip() or data["subject"]
        assert typed[:50] in unescape(answer.text)  # what was typed, kept
    assert [e for e in lead_emails(app, lead_id) if e.kind == "reply"] == []


def test_only_admins_edit_templates_and_a_name_is_used_once(desk):
    app, staff, admin = desk
    assert staff.get("/staff/replies").status_code == 403
    again = add_template(app, admin)
    assert again.status_code == 400
    assert "A template already has that name." in again.text
    (template,) = all_rows(app, ReplyTemplate)
    page = admin.get("/staff/replies").text
    admin.post(
        f"/staff/replies/{template.id}/delete", data={"csrf_token": csrf_token(page)}
    )
    assert all_rows(app, ReplyTemplate) == []
    assert re.search(
        r"removed .Tried to call.",
        " ".join(e.detail for e in all_rows(app, AuditEvent)),
    )


def test_deleting_the_lead_deletes_its_replies(desk):
    app, staff, admin = desk
    lead_id = add_lead(app, email="gone@example.com")
    reply(staff, lead_id, step="send", subject="Hello", message="Private words")
    page = admin.get(f"/staff/leads/{lead_id}").text
    admin.post(
        f"/staff/leads/{lead_id}/delete",
        data={"csrf_token": csrf_token(page), "confirm": "y"},
    )
    assert [e for e in all_rows(app, OutboxEmail) if e.body == "Private words"] == []


def test_an_admin_edits_a_template_and_a_clash_keeps_the_words(desk):
    app, _, admin = desk
    (template,) = all_rows(app, ReplyTemplate)
    page = admin.get("/staff/replies").text
    data = {"name": "Tried twice", "subject": "Still trying", "body": "New words"}
    answer = admin.post(
        f"/staff/replies/{template.id}", data={"csrf_token": csrf_token(page), **data}
    )
    assert answer.status_code == 303
    (template,) = all_rows(app, ReplyTemplate)
    assert (template.name, template.subject, template.body) == tuple(data.values())
    admin.post(
        "/staff/replies",
        data={"csrf_token": csrf_token(page), **TRIED},
    )
    clash = admin.post(
        f"/staff/replies/{template.id}",
        data={
            "csrf_token": csrf_token(page),
            **{**data, "name": TRIED["name"], "body": "Kept words"},
        },
    )
    assert clash.status_code == 400
    assert (
        "A template already has that name." in clash.text and "Kept words" in clash.text
    )
    empty = admin.post(
        f"/staff/replies/{template.id}",
        data={"csrf_token": csrf_token(page), "name": "", "subject": "", "body": ""},
    )
    assert empty.status_code == 400 and "Give the template a name." in empty.text
