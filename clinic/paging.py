"""Long lists a page at a time, with Flask-SQLAlchemy's pagination."""

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from clinic.extensions import db


def paginate(query: Select, page: int, per_page: int) -> Pagination:
    """A page of a query; asked for a page past the end, the last one, since a list
    that shrank meanwhile should still show something."""
    found = db.paginate(query, page=page, per_page=per_page, error_out=False)
    if page > 1 and page > found.pages:
        found = db.paginate(
            query, page=max(found.pages, 1), per_page=per_page, error_out=False
        )
    return found
