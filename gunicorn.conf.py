"""gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app`."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# One worker per core measured best on SQLite (bench/submit.py); on PostgreSQL more
# may help: set WEB_CONCURRENCY.
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
timeout = 30
graceful_timeout = 30
keepalive = 2
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = 5000
max_requests_jitter = 500
# nginx on the same machine sets X-Forwarded-*, which the app alone reads (ProxyFix,
# TRUSTED_PROXIES hops). gunicorn believes no client about SCRIPT_NAME, PATH_INFO or
# the scheme: a header could otherwise move every link of a cached page.
forwarded_allow_ips = ""
forwarder_headers = ""
secure_scheme_headers = {}
# nginx keeps the access log; gunicorn logs errors only.
errorlog = "-"
