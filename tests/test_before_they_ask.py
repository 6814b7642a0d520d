"""What patients look for before they ask: when they will hear back (with a reference
number), what it costs, who the clinicians are and where the clinic is; what the
site says about its one cookie; and the picture a shared link shows."""

import email
import json
import re
import struct
from urllib.parse import urlsplit

import pytest

from clinic.extensions import db
from clinic.models import StaffUser
from tests.appointments.helpers import add_practitioner
from tests.helpers import PAGE_KINDS, open_form, parse_html, submit


def text(page: str) -> str:
    """What a reader sees: the body's words, not the head's data."""
    body = page.split("<body", 1)[-1]
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


# --- when they will hear back -----------------------------------------------------


def test_the_form_thanks_page_and_email_promise_the_reply_time_with_a_reference(
    make_app, smtp, smtp_port
):
    app = make_app(REPLY_WITHIN_HOURS=48, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port)
    client = app.test_client()
    later = "or by the end of our next opening day if that is later"
    form = text(client.get("/consultation").text)
    assert f"we reply within 48 hours, {later}" in form
    assert submit(client, open_form(client)).status_code == 303
    thanks = client.get("/consultation/thanks")
    assert thanks.headers["Cache-Control"] == "no-store"
    assert "Your reference number is #1" in text(thanks.text)
    assert f"within 48 hours {later}" in text(thanks.text)
    app.test_cli_runner().invoke(args=["outbox", "send", "--all"])
    assert smtp.wait_for(2)
    acks = [
        email.message_from_bytes(e.content)
        for e in smtp.envelopes
        if e.rcpt_tos != ["frontdesk@clinic.test"]
    ]
    (ack,) = acks
    body = " ".join(
        part.get_payload(decode=True).decode()
        for part in ack.walk()
        if part.get_content_type() == "text/plain"
    ).split()
    assert "(reference #1)" in " ".join(body)
    assert f"within 48 hours {later}" in " ".join(body)


def test_the_reference_shown_is_this_visitors_own(app):
    first, second = app.test_client(), app.test_client()
    submit(first, open_form(first))
    submit(second, open_form(second), email="second@example.com")
    assert "#1" in first.get("/consultation/thanks").text
    assert "#2" in second.get("/consultation/thanks").text
    stranger = app.test_client().get("/consultation/thanks").text
    assert "reference number" not in stranger


def test_no_reply_time_is_promised_when_the_clinic_sets_none(make_app):
    client = make_app(REPLY_WITHIN_HOURS=None).test_client()
    assert "reply within" not in client.get("/consultation").text
    assert "within" not in text(client.get("/consultation/thanks").text)


@pytest.mark.parametrize("hours", [0, -3, 1000, "24", 2.5, True])
def test_a_reply_time_that_cannot_be_kept_stops_start_up(make_app, hours):
    with pytest.raises(RuntimeError, match="REPLY_WITHIN_HOURS"):
        make_app(REPLY_WITHIN_HOURS=hours)


# --- what it costs ------------------------------------------------------------------


def test_fees_show_only_where_the_clinic_sets_them(make_app):
    client = make_app().test_client()
    assert "Consultation fee" not in client.get("/consultation").text
    assert "to ask about fees" in text(client.get("/about").text)
    client = make_app(
        CONSULTATION_FEE="$75, credited toward treatment",
        TREATMENT_PRICES={"microneedling": "$300 a session"},
    ).test_client()
    assert "Consultation fee: $75, credited toward treatment." in text(
        client.get("/consultation").text
    )
    about = text(client.get("/about").text)
    assert "Consultation: $75, credited toward treatment." in about
    assert re.search(r"Microneedling ?: \$300 a session", about)


# --- who the clinicians are ---------------------------------------------------------


def test_the_about_page_lists_named_clinicians_and_what_they_offer(app, client):
    assert "Our clinicians will be listed here" in client.get("/about").text
    add_practitioner(app, treatments="botox-chronic-migraine botox-hyperhidrosis")
    add_practitioner(app, "lee@clinic.test", name="Sam Lee, NP")
    with app.app_context():
        # A practitioner whose account is switched off, and one with no public
        # name, are not shown: the second would otherwise show an email address.
        db.session.add_all(
            [
                StaffUser(
                    email="gone@clinic.test",
                    password_hash="x",
                    is_practitioner=True,
                    display_name="Dr. Gone Away, MD",
                    active=False,
                ),
                StaffUser(
                    email="noname@clinic.test", password_hash="x", is_practitioner=True
                ),
            ]
        )
        db.session.commit()
    page = client.get("/about")
    shown = text(page.text)
    assert "Dr. Ana Ruiz, MD" in shown and "Sam Lee, NP" in shown
    assert "Gone Away" not in shown and "noname@" not in page.text
    ruiz = shown.split("Dr. Ana Ruiz, MD")[1].split("Sam Lee")[0]
    assert "Botox for chronic migraine" in ruiz and "Dermal fillers" not in ruiz
    people = [d for d in structured(page.text) if d["@type"] == "Person"]
    assert {p["name"] for p in people} == {"Dr. Ana Ruiz, MD", "Sam Lee, NP"}
    assert all(p["worksFor"]["@id"].endswith("/#clinic") for p in people)
    assert "public" in page.headers["Cache-Control"] and page.headers["ETag"]
    assert "Set-Cookie" not in page.headers


def structured(page: str) -> list[dict]:
    scripts = parse_html(page).findall(".//script[@type='application/ld+json']")
    return [json.loads(s.text) for s in scripts]


# --- where the clinic is ------------------------------------------------------------


def test_the_address_links_to_a_map_and_embeds_none(make_app):
    client = make_app(
        CLINIC_STREET="1 Main St",
        CLINIC_CITY="Irvine",
        CLINIC_REGION="CA",
        CLINIC_DIRECTIONS="Free parking behind the building.",
    ).test_client()
    page = client.get("/about").text
    document = parse_html(page)
    link = next(a for a in document.iter("a") if "map" in "".join(a.itertext()))
    parts = urlsplit(link.get("href"))
    assert parts.scheme == "https" and parts.netloc == "www.openstreetmap.org"
    assert "1+Main+St" in parts.query
    assert "Free parking behind the building." in page
    assert document.find(".//iframe") is None
    # Nothing on the page loads from another site.
    for element in document.iter():
        for attribute in ("src", "srcset"):
            value = element.get(attribute)
            assert not value or value.startswith(("/", "data:")), value


def test_a_clinic_can_name_its_own_map_link(make_app):
    client = make_app(
        CLINIC_STREET="1 Main St", CLINIC_MAP_URL="https://maps.example/visage"
    ).test_client()
    assert 'href="https://maps.example/visage"' in client.get("/about").text


def test_the_development_practitioner_is_not_presented_as_a_clinician(app, client):
    # `make run` creates a stand-in practitioner so booking can be tried at once.
    from tests.staff.helpers import staff_command

    made = staff_command(app, "bootstrap", debug=True)
    assert made.returncode == 0, made.stderr
    with app.app_context():
        stand_in = db.session.query(StaffUser).one()
        assert stand_in.is_practitioner
    page = client.get("/about").text
    assert "Practitioner (development)" not in page
    assert "Our clinicians will be listed here" in page


def test_without_an_address_the_page_says_to_call(client):
    page = text(client.get("/about").text)
    assert "for our address and directions" in page
    assert "Open the address in a map" not in page


# --- the one cookie -----------------------------------------------------------------


def test_the_footer_and_the_notice_name_every_cookie_the_form_sets(client):
    form = client.get("/consultation")
    names = {header.split("=", 1)[0] for header in form.headers.getlist("Set-Cookie")}
    assert names == {"session"}
    footer = text(client.get("/").text).split("Contact us")[-1]
    assert "sets one cookie ( session )" in footer
    assert "no cookies" not in text(client.get("/").text).lower()
    notice = text(client.get("/privacy").text)
    assert "One cookie." in notice and "__Host-session" in notice
    for detail in ("name", "phone number", "email address", "treatment"):
        assert detail in notice.split("chosen to include details")[1][:200]
    assert "repeats nothing you typed" in notice
    assert "send an email again" in notice


# --- sharing ------------------------------------------------------------------------


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("path", [p for p in PAGE_KINDS if p != "/no-such-page"])
def test_every_page_shares_our_own_1200_by_630_picture(client, path):
    head = parse_html(client.get(path).text).find("head")
    meta = {
        m.get("property") or m.get("name"): m.get("content")
        for m in head.findall("meta")
    }
    image = urlsplit(meta["og:image"])
    assert image.scheme in ("http", "https") and image.path.startswith("/static/")
    assert meta["og:image:width"] == "1200" and meta["og:image:height"] == "630"
    assert meta["og:image:alt"]
    assert meta["twitter:card"] == "summary_large_image"
    response = client.get(f"{image.path}?{image.query}")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert png_size(response.data) == (1200, 630)
    response.close()
