"""Log filters: every record carries the request id; none carries PHI.

Names, birth dates and phone numbers can reach a log only through a request's query string or
form data; these filters remove both before a record is written.
"""

import logging
import re

from .request_context import request_id_var

QUERY_STRING = re.compile(r"\?[^\s\"']*")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class NoPhiFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = QUERY_STRING.sub("?[redacted]", message)
        record.args = ()
        if hasattr(record, "request"):
            record.request = None
        return True
