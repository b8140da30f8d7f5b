"""Why a message was not sent, in staff's words: one vocabulary for the outbox, the recall list
and the figures. The codes are the planner's, the sender's and each kind's last-moment check's
(services/outreach.py, sending.py, wanted.py); a gateway's own code is shown as it is, never its
prose."""

from django.utils.translation import gettext_lazy as _

WHY_NOT_SENT = {
    "no_channel": _("the family prefers another way: call, portal, print or in person"),
    "no_consent": _("no consent in force for this channel"),
    "opted_out": _("the number replied STOP"),
    "no_text_in_language": _("no text written in the family's language: a task was made"),
    "after_visit": _("no good time left before the visit"),
    "visit_changed": _("the visit was moved, cancelled or has passed"),
    "visit_booked": _("a visit was booked before it went"),
    "not_on_panel": _("the child is no longer on the practice's panel"),
    "confidential": _("a confidential visit: nothing goes to the parents"),
    "referral_closed": _("the referral was closed"),
    "referral_not_visible": _("the family no longer sees this referral"),
    "too_late": _("the time to check in after the hospital stay had passed"),
    "review_changed": _("the care plan's review date changed"),
    "survey_too_late": _("the visit was more than a week ago: the survey is not sent"),
}


def why_not_sent(code: str) -> str:
    return str(WHY_NOT_SENT.get(code, code))
