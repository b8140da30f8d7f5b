"""The FHIR API's refusals, raised anywhere below a route and answered as an OperationOutcome
(outcomes.py). Diagnostics are machine text in English and never carry a row's content: a
parameter's name, never another practice's data (../shared/docs/security.md)."""


class FhirError(Exception):
    """A refusal with its HTTP status and the OperationOutcome issue code
    (http://hl7.org/fhir/R4/valueset-issue-type.html)."""

    status = 400
    code = "invalid"

    def __init__(self, diagnostics: str, *, status: int | None = None, code: str | None = None):
        super().__init__(diagnostics)
        self.diagnostics = diagnostics
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code


class BadRequest(FhirError):
    """400: a parameter medhome does not serve or cannot read (its name in the message)."""

    status = 400
    code = "invalid"


class NotSupported(FhirError):
    """400: a FHIR feature medhome refuses on purpose (`_has`, chains, `_filter`...)."""

    status = 400
    code = "not-supported"


class Unauthorized(FhirError):
    """401: no token, or one that is unknown, expired or revoked."""

    status = 401
    code = "login"


class Forbidden(FhirError):
    """403: the token's scopes do not allow this interaction on this type."""

    status = 403
    code = "forbidden"


class NotFound(FhirError):
    """404: an unknown type or id, a malformed id and another practice's id alike."""

    status = 404
    code = "not-found"
