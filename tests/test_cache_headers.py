"""Each kind of response says who may keep it: public pages any cache, briefly and
revalidated by ETag; per-visitor, private and error responses nobody."""

import pytest
from werkzeug.http import parse_dict_header

from tests.appointments.helpers import add_practitioner, book
from tests.helpers import PAGE_KINDS, next_open_day, open_form, submit
from tests.staff.helpers import create_account, sign_in

PUBLIC = sorted(
    {
        p
        for p in PAGE_KINDS
        if p not in ("/consultation", "/consultation/thanks", "/no-such-page")
    }
    | {"/robots.txt", "/sitemap.xml"}
)


def directives(response) -> dict[str, str | None]:
    return parse_dict_header(response.headers.get("Cache-Control", ""))


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_may_be_kept_by_a_shared_cache(client, path):
    response = client.get(path)
    assert response.status_code == 200
    cache = directives(response)
    assert "public" in cache and 0 < int(cache["max-age"]) <= 300
    assert int(cache["stale-while-revalidate"]) > 0
    assert response.headers["ETag"]
    assert "Set-Cookie" not in response.headers


def test_a_hashed_static_file_is_kept_for_a_year(client):
    page = client.get("/").text
    href = page.split('href="/static/css/site.css?v=')[1].split('"')[0]
    response = client.get(f"/static/css/site.css?v={href}")
    cache = directives(response)
    response.close()
    assert "public" in cache and "immutable" in cache


def per_visitor_responses(app, client):
    yield "the form", client.get("/consultation")
    yield "a form with mistakes", submit(client, email="oops")
    yield "the redirect after a request", submit(client, open_form(client))
    yield (
        "the thanks page, with the request's reference",
        client.get("/consultation/thanks"),
    )
    yield "a missing page", client.get("/no-such-page")
    yield "the health check", client.get("/healthz")
    yield "a redirect", client.get("/blog")
    yield "the sign-in page", client.get("/staff/login")
    create_account(app, "nurse@clinic.test")
    sign_in(client, "nurse@clinic.test")
    yield "the lead list", client.get("/staff/leads")
    yield "a lead", client.get("/staff/leads/1")
    yield "the free times", client.get("/consultation/times.json?date=2030-01-01")
    add_practitioner(app)
    day = next_open_day(8).isoformat()
    booked = book(client, f"{day}T10:00", treatment="botox-hyperhidrosis")
    yield "an appointment", client.get(booked.location)
    yield "its calendar file", client.get(booked.location + ".ics")
    yield "the staff calendar", client.get("/staff/calendar")


def test_per_visitor_and_private_responses_are_kept_by_no_cache(app, client):
    seen = 0
    for what, response in per_visitor_responses(app, client):
        cache = directives(response)
        assert "no-store" in cache and "public" not in cache, what
        seen += 1
    assert seen == 14
