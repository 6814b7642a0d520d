"""A lead's source is one rule, read in Python (the lead page, the dashboard) and
in SQL (the queue's filter): both name every path the same way."""

from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Lead, source_condition, source_of
from clinic.vocabulary import LeadSource
from tests.staff.helpers import add_lead

PATHS = [
    None,
    "/",
    "/blog/",
    "/blog/medical-benefits-of-botox",
    "/treatments/",
    "/treatments/laser-hair-removal",
    "/about",
    "/consultation",
    "/blogger",  # begins like the blog: counted with it, in both
    "//",
]


def test_python_and_sql_agree_on_every_source(app):
    ids = {add_lead(app, source_path=path, emails=False): path for path in PATHS}
    with app.app_context():
        for source in LeadSource:
            found = set(
                db.session.scalars(select(Lead.id).where(source_condition(source)))
            )
            expected = {i for i, path in ids.items() if source_of(path) == source}
            assert found == expected, source
    assert source_of("/blog/x") == LeadSource.ARTICLE
    assert source_of(None) == source_of("/about") == LeadSource.OTHER
