"""Whatever a patient typed is shown as text on every staff page, never run."""

import pytest

from clinic.models import LeadNote
from tests.helpers import all_rows, parse_html
from tests.staff.helpers import add_lead, csrf_token

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><svg onload=alert(1)>",
    "javascript:alert(1)",
]
TEXT_FIELDS = [
    "first_name",
    "last_name",
    "message",
    "source_path",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
]


def assert_inert(page: str, payload: str) -> None:
    """The payload appears only as text: no element or attribute it could create."""
    document = parse_html(page)
    if "<" in payload:
        assert payload not in page
    tags = [e.tag.rpartition("}")[2] for e in document.iter() if isinstance(e.tag, str)]
    assert "img" not in tags  # staff pages have none
    # The scripts are our own files, in the head; none anywhere a payload lands.
    scripts = [e for e in document.iter("script")]
    assert [s.get("src", "").split("?")[0] for s in scripts] == [
        "/static/js/staff.js",
        "/static/js/picker.js",
    ]
    assert all(not (s.text or "").strip() for s in scripts)
    for element in document.iter():
        assert not [name for name in element.keys() if name.startswith("on")]
        for name in ("href", "src"):
            assert not (element.get(name) or "").startswith("javascript:")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_patient_text_is_escaped_on_the_list_and_the_lead(app, admin_client, payload):
    values = {field: payload for field in TEXT_FIELDS}
    lead_id = add_lead(app, email="x@example.com", **values)
    for path in (
        "/staff/leads",
        f"/staff/leads?q={payload}",
        f"/staff/leads/{lead_id}",
        "/staff/activity",
    ):
        answer = admin_client.get(path)
        assert answer.status_code == 200, path
        assert_inert(answer.text, payload)
    assert "&lt;" in admin_client.get(f"/staff/leads/{lead_id}").text or (
        payload == "javascript:alert(1)"
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_notes_are_stored_as_typed_and_shown_escaped(app, staff_client, payload):
    lead_id = add_lead(app)
    page = staff_client.get(f"/staff/leads/{lead_id}").text
    added = staff_client.post(
        f"/staff/leads/{lead_id}/notes",
        data={"csrf_token": csrf_token(page), "body": payload},
    )
    assert added.status_code == 303
    assert [note.body for note in all_rows(app, LeadNote)] == [payload]
    page = staff_client.get(f"/staff/leads/{lead_id}").text
    assert_inert(page, payload)
    notes = parse_html(page).find(".//ol[@class='notes']")
    shown = [
        "".join(p.itertext()) for p in notes.iter("p") if p.get("class") == "message"
    ]
    assert shown == [payload]  # the very text, as text


def test_a_hostile_email_address_does_not_become_a_link_attack(app, staff_client):
    lead_id = add_lead(app, email='a"onmouseover="alert(1)@example.com')
    page = staff_client.get(f"/staff/leads/{lead_id}").text
    document = parse_html(page)
    links = [
        a for a in document.iter("a") if (a.get("href") or "").startswith("mailto:")
    ]
    assert links and all(a.get("onmouseover") is None for a in links)
