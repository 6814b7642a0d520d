"""No input makes the site answer 5xx: every route, every method it takes, and
bodies of every shape (form fields of any value, JSON, uploaded files, junk), from
a visitor and from a signed-in admin. Hypothesis draws the requests."""

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import hidden_fields
from tests.staff.helpers import add_lead, create_account, csrf_token, sign_in

FIELD_NAMES = [
    *("first_name", "last_name", "email", "phone", "treatment", "preferred_date"),
    *("preferred_time", "contact_method", "message", "consent", "website"),
    *("status", "current", "assignee", "body", "confirm", "active", "next"),
    *("q", "source", "received_from", "received_to", "page", "staff", "password"),
    *("password_confirm", "current_password", "code", "recovery_code", "contact"),
    *("name", "is_admin", "is_practitioner"),
]
AWKWARD = [
    *("", " ", "y", "n", "0", "1", "-1", "99999999999999999999999", "1e309"),
    *(
        "new",
        "spam",
        "contacted",
        "closed",
        "morning",
        "phone",
        "botox-chronic-migraine",
    ),
    *("2027-02-30", "9999-12-31", "0001-01-01", "31/12/2030", "\x00", "\r\nBcc: x@y"),
    *("añá@example.com", "a@xn--bcher-kva.example", "=cmd|' /C calc'!A0", "%s%n"),
    *("<script>alert(1)</script>", "../../etc/passwd", "\ud7ff\ufffd", "x" * 5000),
]
values = st.one_of(st.sampled_from(AWKWARD), st.text(max_size=40))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | values,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(values, inner, max_size=3)
    ),
    max_leaves=6,
)
names = st.one_of(st.sampled_from(FIELD_NAMES), st.text(min_size=1, max_size=12))
form_fields = st.dictionaries(names, values, max_size=8)
ids = st.one_of(st.integers(1, 4), st.sampled_from([0, 2**31, 10**22]))


@st.composite
def requests(draw, routes, tokens):
    rule, method = draw(routes)
    url_args = {
        name: draw(ids) if "id" in name else draw(values.filter(bool))
        for name in rule.arguments
    }
    path = rule.build(url_args, append_unknown=False)[1]
    query = draw(form_fields)
    shape = draw(st.sampled_from(["form", "json", "file", "junk"]))
    body = draw(form_fields) | (tokens if draw(st.booleans()) else {})
    if shape == "json":
        return method, path, {"query_string": query, "json": draw(json_values)}
    if shape == "file":
        field = draw(st.sampled_from(FIELD_NAMES))
        body[field] = (draw(st.binary(max_size=64)), draw(values) or "a.txt")
        return method, path, {"query_string": query, "data": body}
    if shape == "junk":
        junk = draw(st.binary(max_size=200))
        kind = draw(st.sampled_from(["text/plain", "application/json", "x/y"]))
        return method, path, {"query_string": query, "data": junk, "content_type": kind}
    return method, path, {"query_string": query, "data": body}


def routes_of(app, leave_out=()):
    return st.sampled_from(
        [
            (rule, method)
            for rule in app.url_map.iter_rules()
            if rule.endpoint not in leave_out
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
        ]
    )


PROPERTY = settings(
    max_examples=250,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def assert_no_server_error(client, method, path, options):
    answer = client.open(path, method=method, **options)
    assert answer.status_code < 500, (method, path, options, answer.status_code)


@pytest.fixture
def visitor(app):
    client = app.test_client()
    return client, hidden_fields(client.get("/consultation").text)


@pytest.fixture
def admin(app):
    create_account(app, "owner@clinic.test", admin=True)
    for _ in range(3):
        add_lead(app)
    client = app.test_client()
    assert sign_in(client, "owner@clinic.test").status_code == 303
    return client, {"csrf_token": csrf_token(client.get("/staff/leads/1").text)}


def test_no_request_from_a_visitor_is_a_server_error(app, visitor):
    client, tokens = visitor

    @PROPERTY
    @given(request=requests(routes_of(app), tokens))
    def check(request):
        assert_no_server_error(client, *request)

    check()


def test_no_request_from_a_signed_in_admin_is_a_server_error(app, admin):
    client, tokens = admin

    # Signing out would turn the rest of the run into a visitor's.
    @PROPERTY
    @given(request=requests(routes_of(app, {"staff.logout"}), tokens))
    def check(request):
        assert_no_server_error(client, *request)

    check()


def test_a_json_body_is_a_form_with_nothing_in_it(client):
    answer = client.post("/consultation", json={"first_name": 1, "consent": ["y"]})
    assert answer.status_code == 400
    assert "Enter your first name." in answer.text


def test_a_file_in_a_text_field_is_no_value(client):
    tokens = hidden_fields(client.get("/consultation").text)
    upload = (io.BytesIO(b"Ana"), "name.txt")
    answer = client.post("/consultation", data={**tokens, "first_name": upload})
    assert answer.status_code == 400
    assert "Enter your first name." in answer.text


def test_a_field_without_a_name_is_refused(app, client):
    body = b'--b\r\nContent-Disposition: form-data; name="\r"\r\n\r\nx\r\n--b--\r\n'
    answer = client.post(
        "/consultation", data=body, content_type="multipart/form-data; boundary=b"
    )
    assert answer.status_code == 400
    assert "The form could not be read" in answer.text


@pytest.mark.parametrize(
    "path",
    [
        "/staff/leads/12345678901234567890123",
        "/staff/leads/2147483648",
        "/staff/leads/0",
    ],
)
def test_an_id_no_row_can_have_is_404(admin, path):
    client, _ = admin
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "query", ["page=99999999999999999999999", "staff=99999999999999999999999"]
)
def test_huge_numbers_on_the_activity_page_are_ignored(admin, query):
    client, _ = admin
    assert client.get(f"/staff/activity?{query}").status_code == 200
