"""Messages to families and their replies: consent, opt-outs, the outbound messages and the
inbound texts. Every write is a service (services/); these are tables and their vocabulary.

Nothing here holds clinical detail: a message's body is medhome's own authored text (who it is
from, when, a family link) and an error is a gateway's code, never its prose.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medhome.families.models import Caregiver, Child
from medhome.practices.models import PracticeScopedModel
from medhome.visits.models import Visit


class ConsentChannel(models.TextChoices):
    TEXT = "text", _("Text message")
    EMAIL = "email", _("Email")


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Said so to staff")
    WRITTEN = "written", _("Signed a form")
    PORTAL = "portal", _("On a family page")
    REPLY = "reply", _("By text reply")


class ContactConsent(PracticeScopedModel):
    """One decision of a caregiver about being texted or emailed: the latest row per caregiver
    and channel is in force; earlier rows stay as the history (when, how, by whom)."""

    caregiver = models.ForeignKey(
        Caregiver, on_delete=models.CASCADE, related_name="contact_consents"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=ConsentChannel)
    granted = models.BooleanField(_("agrees"))
    method = models.CharField(_("how"), max_length=10, choices=ConsentMethod)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("when"))

    class Meta:
        indexes = [
            models.Index(
                fields=["caregiver", "channel", "recorded_at"], name="consent_caregiver_idx"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.channel} {'granted' if self.granted else 'revoked'} {self.recorded_at:%Y-%m-%d}"
        )


class OptOut(PracticeScopedModel):
    """A phone number that replied STOP to the practice: nothing of the practice is texted to it
    until it replies START. One row per practice and number, kept when lifted (the history)."""

    phone = models.CharField(max_length=20)  # E.164
    opted_out_at = models.DateTimeField()
    opted_in_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "phone"], name="opt_out_unique_number")
        ]

    def __str__(self) -> str:
        return f"opt-out {'active' if self.active else 'lifted'}"


class MessageKind(models.TextChoices):
    VISIT_REMINDER = "visit_reminder", _("Visit reminder")
    # Answers to a keyword (STOP, START, HELP): sent at once, outside the rules of "when".
    KEYWORD_REPLY = "keyword_reply", _("Answer to a keyword")
    # The crisis resources (988, 911) sent back at once to a text with words of crisis
    # (crisis.py): outside the rules of "when", and even to a number that replied STOP.
    CRISIS_REPLY = "crisis_reply", _("Crisis resources")
    # A staff member's own words, written on the family's conversation page.
    STAFF_REPLY = "staff_reply", _("Reply from the team")
    # A child overdue for a well-child visit or a screen (the recall worklist).
    RECALL = "recall", _("Recall")
    # "Did you get help from …?": its link opens the referral page where the family answers.
    REFERRAL_FOLLOW_UP = "referral_follow_up", _("Referral follow-up")
    # After a hospital discharge, the care coordinator checks in (no link; reply or call).
    DISCHARGE_CHECK_IN = "discharge_check_in", _("Check-in after a hospital stay")
    # The shared care plan's review date is near: its link opens the plan.
    CARE_PLAN_REVIEW = "care_plan_review", _("Care plan review")
    # After a completed visit, "How was your visit?": its link opens the experience survey
    # (medhome.experience plans it; docs/clinical-rules.md#family-experience).
    EXPERIENCE_SURVEY = "experience_survey", _("Experience survey")


# For a family who prefers a call, these are phoned by staff (the call list); visit reminders
# and recalls are also printed or handed over. Answers and staff replies never are.
CALLED_KINDS = (
    MessageKind.VISIT_REMINDER,
    MessageKind.RECALL,
    MessageKind.REFERRAL_FOLLOW_UP,
    MessageKind.DISCHARGE_CHECK_IN,
    MessageKind.CARE_PLAN_REVIEW,
)
PRINTED_KINDS = (MessageKind.VISIT_REMINDER, MessageKind.RECALL)
# Answers to a text the family has just sent: sent at once, not counted against the daily cap.
ANSWERS = (MessageKind.KEYWORD_REPLY, MessageKind.CRISIS_REPLY)


class MessageChannel(models.TextChoices):
    TEXT = "text", _("Text message")
    EMAIL = "email", _("Email")


class Encoding(models.TextChoices):
    GSM7 = "gsm7", "GSM-7"
    UCS2 = "ucs2", "UCS-2"


class MessageStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held until a good time")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    BOUNCED = "bounced", _("Bounced")
    SUPPRESSED = "suppressed", _("Not sent")
    # A reminder for a family who prefers a call: staff phoned and recorded how it went.
    CALLED = "called", _("Phoned by staff")


class CallOutcome(models.TextChoices):
    REACHED = "reached", _("Reached the family")
    VOICEMAIL = "voicemail", _("Left a voicemail")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_NUMBER = "wrong_number", _("Wrong number")


# Waiting to go: the sender picks these (and SENDING whose claim has lapsed).
WAITING = (MessageStatus.PLANNED, MessageStatus.HELD)


class Message(PracticeScopedModel):
    # None only for an answer to a keyword from a number no caregiver has.
    caregiver = models.ForeignKey(
        Caregiver, on_delete=models.PROTECT, null=True, blank=True, related_name="messages"
    )
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, null=True, blank=True, related_name="messages"
    )
    visit = models.ForeignKey(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=MessageKind)
    channel = models.CharField(_("channel"), max_length=10, choices=MessageChannel)
    # The number (E.164) or address it went to: a caregiver may change theirs later.
    to_address = models.CharField(max_length=254)
    language = models.CharField(_("language"), max_length=35)
    # As the family reads it, except that a family link's token is masked (the token is shown
    # to the family once and never stored: portal.links).
    body = models.TextField(_("text"), blank=True)
    encoding = models.CharField(max_length=4, choices=Encoding, default=Encoding.GSM7)
    segments = models.PositiveSmallIntegerField(default=0)
    # Visit reminders: the screening rows found due when planned; the link itself is made when
    # the message goes, through screening's own checks.
    link_rows = models.JSONField(default=list, blank=True)
    # The family link (portal.models.Purpose) the message carries; made when it is sent.
    link_purpose = models.CharField(max_length=30, blank=True)
    # What the message is about (a referral's, a care plan's, a hospital stay's id): an
    # identifier only, so a later sweep knows it was planned and a reply can be tied back.
    subject_id = models.CharField(max_length=40, blank=True)
    idempotency_key = models.CharField(max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=MessageStatus, default=MessageStatus.PLANNED
    )
    send_after = models.DateTimeField(_("not before"))
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    gateway_message_id = models.CharField(max_length=100, blank=True)
    # A gateway's or medhome's code ("30003", "opted_out", "no_consent"), never free text.
    error_code = models.CharField(max_length=40, blank=True)
    # The message this one replaces after its channel failed (the fallback chain).
    replaces = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # A reminder staff phoned (the call list): how it went, who called, when.
    call_outcome = models.CharField(
        _("call outcome"), max_length=12, choices=CallOutcome, blank=True
    )
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    called_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-send_after"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "idempotency_key"], name="message_key_unique_in_practice"
            )
        ]
        indexes = [
            models.Index(fields=["status", "send_after"], name="message_due_idx"),
            models.Index(fields=["practice", "send_after"], name="message_outbox_idx"),
            models.Index(fields=["caregiver", "send_after"], name="message_caregiver_idx"),
            models.Index(
                fields=["gateway_message_id"],
                condition=~Q(gateway_message_id=""),
                name="message_gateway_id_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.status}"


class InboundText(PracticeScopedModel):
    """A text a family sent to the practice, kept as received. Matched to a caregiver only by
    an exact number; an unknown number stays unmatched for staff, never matched by a guess."""

    from_number = models.CharField(max_length=20)
    caregiver = models.ForeignKey(
        Caregiver, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound_texts"
    )
    body = models.TextField()
    gateway_message_id = models.CharField(max_length=100, blank=True)
    # The keyword it was read as ("stop", "start", "help"), blank for a free-text reply.
    keyword = models.CharField(max_length=10, blank=True)
    # It held words of crisis (crisis.py): then it was not read as a keyword at all.
    crisis = models.BooleanField(default=False)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "gateway_message_id"],
                condition=~Q(gateway_message_id=""),
                name="inbound_gateway_id_unique",
            )
        ]
        indexes = [
            models.Index(fields=["caregiver", "received_at"], name="inbound_caregiver_idx"),
            # The figures of reaching families count a practice's texts by date.
            models.Index(fields=["practice", "received_at"], name="inbound_practice_day_idx"),
        ]

    def __str__(self) -> str:
        return f"inbound {self.received_at:%Y-%m-%d %H:%M}"
