"""The CSV export: what the filters show, readable by Excel, never a formula."""

import csv
import io

import phonenumbers
import pytest

from clinic.leads.export import neutralise
from clinic.models import AuditEvent
from tests.helpers import all_rows
from tests.staff.helpers import add_lead, csrf_token
from tests.staff.spreadsheet import IMPORT_OPTIONS, formulas


def download(client, query: str = ""):
    answer = client.get("/staff/leads.csv" + query)
    assert answer.status_code == 200
    return answer


def rows_of(answer) -> list[dict[str, str]]:
    text = answer.data.decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def test_export_is_an_attachment_in_utf8_with_a_bom(app, staff_client):
    add_lead(app, first_name="Zoë", last_name="Nguyễn", message="Line one\nLine two")
    answer = download(staff_client)
    assert answer.mimetype == "text/csv"
    assert answer.mimetype_params["charset"] == "utf-8"
    assert answer.headers["Content-Disposition"].startswith("attachment; filename=")
    assert answer.cache_control.no_store
    (row,) = rows_of(answer)
    assert (row["First name"], row["Last name"]) == ("Zoë", "Nguyễn")
    assert row["Message"] == "Line one\nLine two"
    # No formula guard needed, so no apostrophe for an import to keep as data.
    assert (row["Phone"], row["Phone country code"]) == ("(714) 555-0123", "1")
    assert row["Treatment"] == "Botox for chronic migraine"


def test_export_follows_the_current_filters(app, staff_client):
    add_lead(app, first_name="Migraine", treatment="botox-chronic-migraine")
    add_lead(app, first_name="Laser", treatment="laser-hair-removal")
    add_lead(app, first_name="Spam", status="spam")
    rows = rows_of(download(staff_client, "?treatment=laser-hair-removal"))
    assert [r["First name"] for r in rows] == ["Laser"]
    rows = rows_of(download(staff_client))
    assert sorted(r["First name"] for r in rows) == ["Laser", "Migraine"]
    rows = rows_of(download(staff_client, "?status=spam"))
    assert [r["First name"] for r in rows] == ["Spam"]


def test_the_list_links_to_the_export_of_its_own_filters(app, staff_client):
    add_lead(app)
    page = staff_client.get("/staff/leads?source=article&q=ana").text
    assert 'href="/staff/leads.csv?source=article&amp;q=ana"' in page


@pytest.mark.parametrize(
    "payload",
    [
        '=HYPERLINK("http://evil.example","x")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
    ],
)
@pytest.mark.parametrize("column", ["First name", "Last name", "Message"])
def test_formulas_are_neutralised_in_every_column(app, staff_client, payload, column):
    fields = {
        "First name": "first_name",
        "Last name": "last_name",
        "Message": "message",
    }
    add_lead(app, **{fields[column]: payload}, utm_campaign=payload)
    (row,) = rows_of(download(staff_client))
    assert row[column].startswith("'") and row[column].endswith(payload[-4:])
    assert row["UTM campaign"] == row[column]
    for value in row.values():
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


# Formulas hidden from a guard on the first character alone.
HIDDEN_FORMULAS = [
    " =1+1",
    "   +1+cmd|' /C calc'!A0",
    '\u00a0=HYPERLINK("http://evil.example","x")',
    "Ana;=1+1",
    "Ana,@SUM(A1:A2)",
    "Ana =1+1",
    "Ana|-2+3",
    "Ana:=1+1",
    "10:30: +1+cmd|' /C calc'!A0",
    "Ana\t=1+1",
    "line one\n=1+1",
    "line one\r\n  @SUM(A1)",
    '"quoted";=1+1',
    'a"";=1+1',
]


@pytest.mark.parametrize("payload", HIDDEN_FORMULAS)
def test_no_import_option_turns_a_cell_into_a_formula(app, staff_client, payload):
    add_lead(app, first_name=payload, message=payload, utm_content=payload)
    text = download(staff_client).get_data(as_text=True)
    for options in IMPORT_OPTIONS:
        assert formulas(text, **options) == [], options


def test_the_spreadsheet_check_finds_formulas_left_unguarded():
    # The same check on cells written without the guard: it would catch them.
    for payload in HIDDEN_FORMULAS:
        raw = io.StringIO()
        csv.writer(raw).writerow(["x", payload])
        found = [o for o in IMPORT_OPTIONS if formulas(raw.getvalue(), **o)]
        assert found, payload


@pytest.mark.parametrize(
    "value, expected",
    [
        ("plain", "plain"),
        ("", ""),
        (None, ""),
        (42, "42"),
        ("a=b", "a=b"),
        ("=1", "'=1"),
        ("-", "'-"),
        ("ana@example.com", "ana@example.com"),
        ("a-b", "a-b"),
        (" =1", " '=1"),
        ("a;=b", "a;'=b"),
    ],
)
def test_neutralise_leaves_ordinary_cells_alone(value, expected):
    assert neutralise(value) == expected


def test_each_export_is_in_the_audit_trail_without_patient_data(app, staff_client):
    add_lead(app)
    download(staff_client, "?q=García&source=article")
    (event,) = [e for e in all_rows(app, AuditEvent) if e.action == "export"]
    assert event.detail == "0 leads; source=article, q=(a search)"
    assert "García" not in event.detail


def test_phone_numbers_import_as_numbers_with_any_import_option(app, staff_client):
    add_lead(app, phone="+17145550142")
    add_lead(app, phone="+442079460958", email="uk@example.com")  # London
    text = download(staff_client).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text[1:], newline="")))
    for row in rows:
        assert not row["Phone"].startswith(("'", "+", "="))
        again = phonenumbers.parse("+" + row["Phone country code"] + row["Phone"])
        assert phonenumbers.is_valid_number(again), row["Phone"]
    assert {r["Phone country code"] for r in rows} == {"1", "44"}
    # Opened as a spreadsheet would (every separator, quoting and trimming
    # option), no phone cell is a formula or carries an apostrophe.
    for options in IMPORT_OPTIONS:
        assert formulas(text, **options) == [], options
    cells = cells_of(text)
    assert "(714) 555-0142" in cells and "020 7946 0958" in cells


def cells_of(text: str) -> list[str]:
    from tests.staff.spreadsheet import cells

    return cells(text, separators=",", quotes=True, trim=False)


def test_export_adds_first_contact_appointment_notes_and_duplicate_of(
    app, staff_client
):
    first = add_lead(app, first_name="Ana", email="ana@example.com")
    again = add_lead(
        app, first_name="Ana", email="ANA@example.com", phone="+17145550199"
    )
    by_phone = add_lead(
        app, first_name="Anna", email="other@example.com", phone="+17145550199"
    )
    staff_client.post(
        f"/staff/leads/{first}/notes",
        data={
            "csrf_token": csrf_token(staff_client.get(f"/staff/leads/{first}").text),
            "body": "=Called, left a message",
        },
    )
    rows = {int(r["Lead"]): r for r in rows_of(download(staff_client, "?view=all"))}
    assert rows[first]["Duplicate of"] == ""
    assert rows[again]["Duplicate of"] == str(first)  # same email, any capitals
    # The same phone alone is not the same patient (a family shares a number).
    assert rows[by_phone]["Duplicate of"] == ""
    assert rows[first]["Notes"].endswith("desk@clinic.test: '=Called, left a message")
    assert rows[first]["First contact"] == "" and rows[first]["Appointment"] == ""
