"""Fixtures for the staff area: accounts and signed-in clients, and the site over
real HTTP with its email."""

import pytest

from tests.staff.helpers import ADMIN, STAFF, create_account, sign_in


@pytest.fixture
def staff_id(app):
    return create_account(app, STAFF)


@pytest.fixture
def admin_id(app):
    return create_account(app, ADMIN, admin=True)


@pytest.fixture
def staff_client(app, staff_id):
    client = app.test_client()
    assert sign_in(client, STAFF).status_code == 303
    return client


@pytest.fixture
def admin_client(app, admin_id):
    client = app.test_client()
    assert sign_in(client, ADMIN).status_code == 303
    return client
