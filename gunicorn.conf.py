"""gunicorn's configuration for medhome in production (docs/deploy.md).

    gunicorn -c gunicorn.conf.py medhome.wsgi:application

Sync workers behind a buffering proxy (nginx): the FHIR API benchmark measured read p99 34–77 ms
across runs with sync workers and 68–85 ms with threaded ones at the same load
(docs/benchmarks.md, "FHIR API"); the proxy absorbs slow clients, so a sync worker is never held
by one.

Environment: MEDHOME_WEB_WORKERS (default 2 × cores + 2, at most 12), MEDHOME_WEB_BIND (default
127.0.0.1:8000), MEDHOME_FORWARDED_ALLOW_IPS (the proxy's addresses, default the loopback).
"""

import gc
import os

from gunicorn.glogging import Logger

from medhome.core.logging import redact_path_tokens

wsgi_app = "medhome.wsgi:application"

# Each worker holds its own PostgreSQL connection pool: 12 workers is plenty for a practice and
# stays well inside PostgreSQL's default 100 connections (docs/deploy.md, "PostgreSQL").
MAX_DEFAULT_WORKERS = 12
workers = int(
    os.environ.get("MEDHOME_WEB_WORKERS", min(2 * (os.cpu_count() or 1) + 2, MAX_DEFAULT_WORKERS))
)
worker_class = "sync"
bind = os.environ.get("MEDHOME_WEB_BIND", "127.0.0.1:8000").split(",")

# A request longer than this is stuck (the slowest pages, measures on a large panel, answer in a
# few seconds; bulk work runs in the background worker): the worker is killed and replaced.
timeout = 30
graceful_timeout = 30
# Recycle each worker after this many requests (± jitter, so they do not restart together):
# whatever a long-lived process accumulates is given back.
max_requests = 2000
max_requests_jitter = 200

# A full (oldest-generation) garbage collection walks every object the worker holds: Django's
# models, URL patterns, compiled templates and translation catalogues. Measured on the chart of a
# 100k-child panel, one such pass took ~107 ms and landed on whichever request triggered it: the
# load test's p99 (docs/benchmarks.md, "Load"). Once a worker has served its first requests (its
# templates and catalogues loaded), those objects are collected once and frozen out of every
# later pass, between requests; request garbage is still collected as before.
FREEZE_AFTER_REQUESTS = 25


def post_request(worker, req, environ, resp):  # type: ignore[no-untyped-def]
    worker.medhome_served = getattr(worker, "medhome_served", 0) + 1
    if worker.medhome_served == FREEZE_AFTER_REQUESTS:
        gc.collect()
        gc.freeze()


# systemd starts, reloads (HUP) and stops gunicorn; no second control interface beside it.
control_socket_disable = True

# Only the proxy may say a request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("MEDHOME_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


# The access log: the path without its query string (%(U)s, never %(r)s or %(q)s: a search's
# query string carries a child's name), the status, the size and the time taken in
# microseconds. A family link's or a password reset's token is part of the path: it is
# redacted the way medhome's own log filter does (medhome.core.logging).
class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact_path_tokens(atoms.get("U") or "")
        return atoms


logger_class = RedactingLogger
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(D)sus'
