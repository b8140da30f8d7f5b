"""Log filters: every record carries the request id; none carries PHI.

Names, birth dates and phone numbers could reach a log through a request's query string, form
data or the text of an exception (a PostgreSQL constraint error quotes the failing row). The
filter removes query strings, drops the request, and keeps a traceback's frames but withholds the
exception's message.
"""

import logging
import re
import traceback

from django.http import HttpRequest

from .request_context import request_id_var

QUERY_STRING = re.compile(r"\?[^\s\"']*")
# A family link's token is a credential: it must not outlive the request in a log. The one rule
# for every family page (medhome.portal.pages.urls: /f/ screening, /p/ care plan, /r/ referral
# status, /g/ parent groups, /e/ experience survey); tests/test_privacy.py walks every URL
# pattern that takes a token and fails when a new family page's prefix is missing here.
FAMILY_PAGE_PREFIXES = ("f", "p", "r", "g", "e")
FAMILY_TOKEN = re.compile(rf"/({'|'.join(FAMILY_PAGE_PREFIXES)})/[^/\s\"'?]+")
# Staff credentials in a path are as sensitive: a new colleague's set-password link and
# allauth's password-reset key.
STAFF_TOKEN = re.compile(r"(/set-password/[^/\s\"'?]+/|/password/reset/key/)[^/\s\"'?]+")


def redact_path_tokens(text: str) -> str:
    return STAFF_TOKEN.sub(r"\1[token]", FAMILY_TOKEN.sub(r"/\1/[token]", text))


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class RefusedByFilter(logging.Filter):
    """Who was refused: django.request logs each 4xx answer (a refused access, a missing or
    another practice's id, bad input, a wrong method: OWASP ASVS V7.1.3, V7.2.2) with its path;
    this adds the signed-in user's id (an internal number, never a name) or "anonymous", so a
    run of refusals can be traced to an account. Django logs the path without its query
    string. Runs before NoPhiFilter drops the request."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        # django.server's records carry the socket as `request`: only Django's own requests.
        if isinstance(request, HttpRequest) and getattr(record, "status_code", 500) < 500:
            user = getattr(request, "user", None)
            who = f"user {user.pk}" if user is not None and user.is_authenticated else "anonymous"
            record.msg = f"{record.getMessage()} [{who}]"
            record.args = ()
            record.exc_info = None  # an expected refusal: one line, not a traceback
        return True


class NoPhiFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = redact_path_tokens(QUERY_STRING.sub("?[redacted]", message))
        record.args = ()
        if hasattr(record, "request"):
            record.request = None
        if record.exc_info and record.exc_info[0] is not None:
            kind, _value, tb = record.exc_info
            frames = "".join(traceback.format_tb(tb))
            record.exc_text = (
                f"Traceback (most recent call last):\n{frames}"
                f"{kind.__module__}.{kind.__qualname__}: [message withheld]"
            )
            record.exc_info = None
        return True
