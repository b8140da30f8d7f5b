"""What the screening tests share: the frozen day, a PHQ-9 answer sheet, sending a link.

The clock is frozen (tests/screening/conftest.py) so ages and windows are fixed: practice A's
infant is 2 months old, when the caregiver-depression row is due (Bright Futures 2024: 1, 2, 4 and
6-month visits).
"""

import re
from datetime import date

from django.urls import reverse

NOW = "2026-11-23 10:00:00-05:00"
TODAY = date(2026, 11, 23)
PHQ9_ITEMS = [str(n) for n in range(1, 10)]
NOT_AT_ALL, SEVERAL_DAYS, NEARLY_EVERY_DAY = "LA6568-5", "LA6569-3", "LA6571-9"
LINK = re.compile(r"(/f/[A-Za-z0-9_-]{20,}/)")


def send_link(client, child, caregiver, instruments, *, language="es", reason=""):
    response = client.post(
        reverse("screening:send", kwargs={"child_id": child.pk}),
        {
            "instruments": instruments,
            "caregiver": caregiver.pk,
            "language": language,
            "channel": "text",
            "override_reason": reason,
        },
    )
    found = LINK.search(response.content.decode())
    return response, (found.group(1) if found else None)


def phq9(**overrides):
    answers = {f"item-{n}": NOT_AT_ALL for n in PHQ9_ITEMS}
    answers.update({f"item-{k}": v for k, v in overrides.items()})
    return answers
