"""URL pieces shared by features."""

from flask import Flask
from werkzeug.routing import IntegerConverter

# The largest id an integer column holds on PostgreSQL (and well within SQLite's).
MAX_ROW_ID = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """`<id:name>`: a row's id. A number no row can have is no match (404), rather than
    a value the database driver cannot even send."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, min=1, max=MAX_ROW_ID)


def query_number(value: str, default: int, maximum: int = MAX_ROW_ID) -> int:
    """A positive whole number from the query string, or the default when the value
    is anything else (too large included, or a digit int() refuses, such as "²")."""
    if not (value.isascii() and value.isdigit()):
        return default
    return int(value) if 1 <= int(value) <= maximum else default


def register(app: Flask) -> None:
    app.url_map.converters["id"] = RowIdConverter
