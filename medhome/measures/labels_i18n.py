"""Measure titles and dashboard headings, marked for translation.

definitions.py keeps them as plain English strings (several are built from a template), so
makemessages cannot find them there. Listing each here with gettext_noop puts it in the
catalogue; templates translate the value at run time ({% translate measure.title %}).
Regenerate this tuple when a measure is added or renamed; nothing imports it.
"""

from django.utils.translation import gettext_noop

LABELS = (
    gettext_noop("Autism screening at 18 months"),
    gettext_noop("Autism screening at 18 or 24 months (total)"),
    gettext_noop("Autism screening at 24 months"),
    gettext_noop("Caregiver depression"),
    gettext_noop("Caregiver depression screening at the 1-, 2-, 4- and 6-month visits"),
    gettext_noop("Caregiver depression screening at the 1-month visit"),
    gettext_noop("Caregiver depression screening at the 2-month visit"),
    gettext_noop("Caregiver depression screening at the 4-month visit"),
    gettext_noop("Caregiver depression screening at the 6-month visit"),
    gettext_noop("Caregiver depression screening by 6 months (after CMS82)"),
    gettext_noop("DEV-CH 1"),
    gettext_noop("DEV-CH 1, 2 or 3 (total)"),
    gettext_noop("DEV-CH 2"),
    gettext_noop("DEV-CH 3"),
    gettext_noop("Developmental and autism screening"),
    gettext_noop("Referrals"),
    gettext_noop("Referrals cancelled"),
    gettext_noop("Referrals closed (completed with an outcome recorded)"),
    gettext_noop("Referrals could not be completed"),
    gettext_noop("Referrals declined by the organization"),
    gettext_noop("Social needs"),
    gettext_noop("Social needs intervention: food"),
    gettext_noop("Social needs intervention: housing"),
    gettext_noop("Social needs intervention: transportation"),
    gettext_noop("Social needs screening: food"),
    gettext_noop("Social needs screening: housing"),
    gettext_noop("Social needs screening: transportation"),
    gettext_noop("W30 rate 1: six or more well-child visits in the first 15 months"),
    gettext_noop("W30 rate 2: two or more well-child visits from 15 to 30 months"),
    gettext_noop("WCV 12-17"),
    gettext_noop("WCV 18-21"),
    gettext_noop("WCV 3-11"),
    gettext_noop("WCV 3-21"),
    gettext_noop("Well-child visits"),
)
