"""gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app`, behind nginx only.

Sync workers serve one connection at a time, so gunicorn must never face clients:
two idle connections would hold every worker. nginx (deploy/nginx.conf) buffers
requests and responses, keeps clients' connections alive, and hands gunicorn whole
requests over loopback.
"""

import os

# Loopback only: nothing but nginx on this machine can reach the workers.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# One worker per core measured best on SQLite (bench/submit.py); on PostgreSQL more
# may help: set WEB_CONCURRENCY.
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
timeout = 30
graceful_timeout = 30
# Recycle workers now and then so a slow leak can never grow without bound, but
# rarely: each restart costs a second of CPU (5,000 recycled a worker every ~5 s at
# load). The jitter keeps workers from restarting together.
max_requests = 200_000
max_requests_jitter = 20_000
# nginx on the same machine sets X-Forwarded-*, which the app alone reads (ProxyFix,
# TRUSTED_PROXIES hops). gunicorn believes no client about SCRIPT_NAME, PATH_INFO or
# the scheme: a header could otherwise move every link of a cached page.
forwarded_allow_ips = ""
forwarder_headers = ""
secure_scheme_headers = {}
# nginx keeps the access log; gunicorn logs errors only.
errorlog = "-"
