"""Every write to referrals: one function per use case, in one transaction, audited.

One module per noun: starting a referral, the family's consent, the referral's life after
consent, messages, follow-ups and their settings. Who may act, and the audit step, are in
`referrals.acting`; the one state change (`move`) is in `referrals.states.moves`.
"""

from ..acting import CONSENT_REVOKED, STATUS_CHOICES, StaleReferral
from ..states.moves import move
from .consent import record_consent, revoke_consent
from .follow_up_settings import settings_for, update_settings
from .follow_ups import sweep_follow_ups
from .messages import post_message
from .partners import outside_member_login
from .referral import (
    change_status,
    is_on_site,
    mark_received,
    organization_transitions,
    partner_opened,
    practice_transitions,
    record_opened,
    record_printed,
    send,
    warm_handoff,
)
from .starting import start_referral, suggested_needs

__all__ = [
    "CONSENT_REVOKED",
    "STATUS_CHOICES",
    "StaleReferral",
    "change_status",
    "is_on_site",
    "mark_received",
    "move",
    "organization_transitions",
    "outside_member_login",
    "partner_opened",
    "post_message",
    "practice_transitions",
    "record_consent",
    "record_opened",
    "record_printed",
    "revoke_consent",
    "send",
    "settings_for",
    "start_referral",
    "suggested_needs",
    "sweep_follow_ups",
    "update_settings",
    "warm_handoff",
]
