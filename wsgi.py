"""Entry point for a production server: `gunicorn wsgi:app`."""

from clinic import create_app

app = create_app()
