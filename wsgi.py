"""Entry point for a production server: `gunicorn wsgi:app`."""

import gc

from clinic import create_app

app = create_app()

# What start-up built (templates, content, mappers) lives as long as the process.
# Freezing it keeps full garbage collections, which would otherwise walk all of it
# (about 30 ms) in the middle of some request, down to what requests create.
gc.collect()
gc.freeze()
