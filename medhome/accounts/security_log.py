"""Sign-in failures medhome logs itself (OWASP ASVS V7.2.1): a wrong second factor. Wrong
passwords are django-axes's (its tables and lockout); a refused page is django.request's
(core.logging.RefusedByFilter). A line names the kind of factor and the user's id, never the
code typed or a name."""

import logging
from typing import Any

logger = logging.getLogger("medhome.security")


def second_factor_failed(
    sender: Any, *, user: Any, authenticator: Any, reauthentication: bool = False, **_: Any
) -> None:
    step = "re-authentication" if reauthentication else "sign-in"
    logger.warning("second factor refused at %s (%s) [user %s]", step, authenticator.type, user.pk)
