"""Measure titles, dashboard headings and definition texts, marked for translation.

definitions.py keeps them as plain English strings (several are built from a template or an
f-string), so makemessages cannot find them there. Listing each final string here with
gettext_noop puts it in the catalogue; templates translate the value at run time
({% translate measure.title %}, {{ measure.denominator|tr }}).

LABELS: every measure's title and every dashboard heading (GROUPS).
DEFINITIONS: every distinct denominator, numerator and simplification of MEASURES, written
out exactly as the running code produces them (shared texts such as ENROLLMENT appear once).

Regenerate these tuples (sorted) when a measure is added, renamed or reworded; nothing
imports them. medhome/measures/tests/test_definitions_i18n.py fails when a definition text
has no Spanish translation.
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
    gettext_noop("Caregiver depression screening by 6 months: any caregiver (medhome)"),
    gettext_noop("DEV-CH 1"),
    gettext_noop("Maternal depression screening by 6 months: birth parent (as CMS82 specifies)"),
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
    gettext_noop("Follow-up of positive screens"),
    gettext_noop("Positive screens followed up within 30 days: autism risk"),
    gettext_noop("Positive screens followed up within 30 days: developmental concern"),
    gettext_noop(
        "Positive screens followed up within 30 days: behavioral or social-emotional concern"
    ),
    gettext_noop("Positive screens followed up within 30 days: caregiver depression"),
    gettext_noop("Positive screens followed up within 30 days: adolescent depression"),
    gettext_noop("Positive screens followed up within 30 days: substance use"),
    gettext_noop("Positive screens followed up within 30 days: social needs"),
    gettext_noop("Positive screens followed up within 30 days: all kinds (total)"),
    gettext_noop("Community health workers: eligible children enrolled"),
    gettext_noop("Community health workers: eligible children offered"),
    gettext_noop("DULCE: eligible children enrolled"),
    gettext_noop("DULCE: eligible children offered"),
    gettext_noop("HealthySteps: eligible children enrolled"),
    gettext_noop("HealthySteps: eligible children offered"),
    gettext_noop("Positive screens with a program contact within 30 days"),
    gettext_noop("Programs"),
    gettext_noop("Reach Out and Read: books per eligible well-child visit"),
    gettext_noop("Reach Out and Read: eligible children reached with a contact"),
    gettext_noop("Video Interaction Project: eligible children enrolled"),
    gettext_noop("Video Interaction Project: eligible children offered"),
)

DEFINITIONS = (
    gettext_noop(
        "'Face-to-face visit' is a completed visit of any kind whose modality the "
        "counted_modalities setting counts (in person, video by default)."
    ),
    gettext_noop(
        "'The N-month visit' is the child's first completed well-child visit (W30's visit rules: "
        "type, status, counted telehealth) whose date falls in the N-month periodicity window "
        "(domain-reference §2: 1 month from day 6 to 2 months - 15 days; 2, 4, 6 months from "
        "nominal age - 14 days to the next visit's opening - 1 day; MEDHOME_PERIODICITY_RULES). "
        "The hospital discharge date, which can open the 1-month window earlier, is not used "
        "here: the measures' windows follow the birth date. A second well-child visit in the same "
        "window is not a unit."
    ),
    gettext_noop(
        "A completed screen is a scored administration of an instrument whose items cover the "
        "domain (HVS: food; AHC HRSN: food, housing, transportation) with a determined result "
        "(positive or negative); an HVS with both items declined ('not determined') and partial "
        "administrations do not count. Any respondent (caregiver or adolescent). PRAPARE, AAFP and "
        "the other HEDIS instruments are not in medhome's registry."
    ),
    gettext_noop("A local measure (measures.md §9a: no endorsed autism-screening measure)."),
    gettext_noop(
        "A scored M-CHAT-R, M-CHAT-R/F Follow-Up or SWYC POSI administered in the periodicity "
        "window of that visit (18 months: 18 months - 14 days to 24 months - 15 days; 24 months: "
        "24 months - 14 days to 30 months - 15 days)."
    ),
    gettext_noop(
        "A scored M-CHAT-R, M-CHAT-R/F Follow-Up or SWYC POSI administered in the periodicity "
        "window of that visit (18 months: 18 months - 14 days to 24 months - 15 days; 24 months: "
        "24 months - 14 days to 30 months - 15 days); a child turning both 18 and 24 months in the "
        "period needs one in each window."
    ),
    gettext_noop(
        "A scored general developmental screen (registry general_developmental) after the previous "
        "birthday and on or before the birthday reached in the period; for the 1st birthday, from "
        "the date of birth."
    ),
    gettext_noop(
        "A scored validated caregiver depression screen answered by any caregiver from the date "
        "of birth to the 6-month birthday inclusive."
    ),
    gettext_noop(
        "A scored validated caregiver depression screen answered by the child's birth parent "
        "(CMS82: the mother) from the date of birth to the 6-month birthday inclusive."
    ),
    gettext_noop(
        "A scored validated caregiver depression screen answered by a caregiver, administered in "
        "that visit's periodicity window (or within the setting cdep_screen_days_from_visit of the "
        "visit's date when it is set)."
    ),
    gettext_noop(
        "A screen counts by its administered_on date and status 'scored'; partial (unscored) "
        "administrations do not count."
    ),
    gettext_noop(
        "After CMS50 (measures.md §9b), which counts the first referral per patient and a "
        "consultant's report: medhome counts every referral, and 'closed' is the organization "
        "completing it with an outcome recorded (domain-reference §6), not a specialist report."
    ),
    gettext_noop("Age is taken on December 31 of the year in which the period ends."),
    gettext_noop(
        "An M-CHAT-R medium-risk result counts as a screen even while its Follow-Up interview is "
        "pending (the periodicity row would show 'next step pending')."
    ),
    gettext_noop(
        "An intervention for food from the positive screen's date to 30 days after it (a referral "
        "for the matching need, or a care-plan action linked to the screening)."
    ),
    gettext_noop(
        "An intervention for housing from the positive screen's date to 30 days after it (a "
        "referral for the matching need, or a care-plan action linked to the screening)."
    ),
    gettext_noop(
        "An intervention for transportation from the positive screen's date to 30 days after it (a "
        "referral for the matching need, or a care-plan action linked to the screening)."
    ),
    gettext_noop(
        "Any completed well-child or group well-child visit in the record counts; the clinician's "
        "PCP/OB-GYN specialty is not checked (the record is the primary care practice's own)."
    ),
    gettext_noop(
        "Any positive screen in the window followed by an intervention counts (not only the first "
        "positive)."
    ),
    gettext_noop(
        "At least 2 well-child visits on different dates (spaced by the configured minimum days) "
        "from the 15-month birthday + 1 day to the 30-month birthday."
    ),
    gettext_noop(
        "At least 6 well-child visits on different dates (spaced by the configured minimum days) "
        "on or before the 15-month birthday."
    ),
    gettext_noop("At least one well-care visit in the period."),
    gettext_noop(
        "CMS82's 'maternal postpartum depression care' intervention alternative is not counted: "
        "medhome records screenings, not that SNOMED procedure."
    ),
    gettext_noop("Children 12-17 years old on December 31 of the period's final year."),
    gettext_noop("Children 18-21 years old on December 31 of the period's final year."),
    gettext_noop("Children 3-11 years old on December 31 of the period's final year."),
    gettext_noop("Children 3-21 years old on December 31 of the period's final year."),
    gettext_noop("Children turning 1 in the period."),
    gettext_noop("Children turning 1, 2 or 3 (total) in the period."),
    gettext_noop(
        "Children turning 18 months in the period (the 18- / 24-month birthday = date of birth + "
        "18 / 24 calendar months, clamped to the month's end)."
    ),
    gettext_noop(
        "Children turning 18 or 24 months (total) in the period (the 18- / 24-month birthday = "
        "date of birth + 18 / 24 calendar months, clamped to the month's end)."
    ),
    gettext_noop("Children turning 2 in the period."),
    gettext_noop(
        "Children turning 24 months in the period (the 18- / 24-month birthday = date of birth + "
        "18 / 24 calendar months, clamped to the month's end)."
    ),
    gettext_noop("Children turning 3 in the period."),
    gettext_noop("Children whose 15-month birthday (1st birthday + 90 days) falls in the period."),
    gettext_noop(
        "Children whose 30-month birthday (2nd birthday + 180 days, unverified) falls in the "
        "period."
    ),
    gettext_noop(
        "Children whose 6-month birthday falls in the period with a completed visit (any kind, "
        "counted telehealth) from birth to the day before the 6-month birthday."
    ),
    gettext_noop(
        "Children with a completed visit in the period and a screen positive for food in the "
        "screening window."
    ),
    gettext_noop(
        "Children with a completed visit in the period and a screen positive for housing in the "
        "screening window."
    ),
    gettext_noop(
        "Children with a completed visit in the period and a screen positive for transportation in "
        "the screening window."
    ),
    gettext_noop("Children with a completed visit in the period."),
    gettext_noop(
        "Continuous enrollment is approximated by panel attribution: one panel membership "
        "covering the measure's enrollment period, which may start up to 45 days after it opens "
        "(setting enrollment_gap_days) and has not ended on the anchor date; a break later in the"
        " period is not allowed."
    ),
    gettext_noop(
        "Counted only while the child is on the practice's panel (attribution): on the panel on "
        "the measure's anchor date (for a visit, the visit's day)."
    ),
    gettext_noop(
        "Counted from the practice's record (visit type, instrument recorded), not from billing "
        "codes (domain-reference §6 medhome rules)."
    ),
    gettext_noop(
        "Denominator: children on the practice's panel on the period's last day with a completed "
        "visit of any kind and modality in the period (SNS-E's enrollment-based denominator and "
        "its age bands are unverified, measures.md §7)."
    ),
    gettext_noop("Hospice and death exclusions are not applied (medhome records neither)."),
    gettext_noop(
        "Housing is the AHC HRSN living-situation items; HEDIS's exact positive-answer mapping is "
        "unverified (measures.md §7)."
    ),
    gettext_noop(
        "Intervention (HEDIS value sets unverified, measures.md §7): a referral for the matching "
        "need (setting sns_intervention_needs; default food -> food, housing -> housing, "
        "transportation -> transportation), not a draft nor entered in error, created on the "
        "screen's date up to 30 days after it; or a care-plan action linked to that positive "
        "screening (PlanAction.screening), not cancelled, created in the same 30 days. A care-plan "
        "action carries no need, so one linked to a screening positive in several domains counts "
        "for each of them. Tasks carry neither a need nor a screening and do not count."
    ),
    gettext_noop(
        "Median days: from requested_at (sent) to closed_at, in days with fractions, median of the "
        "closed referrals rounded to 0.1 (as the referral figures page)."
    ),
    gettext_noop(
        "No exclusion for a confirmed autism diagnosis (not recorded as structured data for "
        "measures)."
    ),
    gettext_noop("Referrals cancelled by the period's last day; never counted as closed."),
    gettext_noop(
        "Referrals closed (completed with an outcome recorded) by the period's last day; median "
        "days from sending to completion among them."
    ),
    gettext_noop(
        "Referrals could not be completed by the period's last day; never counted as closed."
    ),
    gettext_noop(
        "Referrals declined by the organization by the period's last day; never counted as closed."
    ),
    gettext_noop("Referrals sent in the period (calendar year: sent Jan 1-Oct 31)."),
    gettext_noop(
        "Screened for food at least once in the screening window with an instrument covering the "
        "domain (any determined result, positive or negative)."
    ),
    gettext_noop(
        "Screened for housing at least once in the screening window with an instrument covering "
        "the domain (any determined result, positive or negative)."
    ),
    gettext_noop(
        "Screened for transportation at least once in the screening window with an instrument "
        "covering the domain (any determined result, positive or negative)."
    ),
    gettext_noop(
        "Screening window: the period's first day to its last day minus 30 days (Jan 1-Dec 1 for a "
        "calendar year; setting sns_screen_days_before_end)."
    ),
    gettext_noop(
        "The child's 1-, 2-, 4- and 6-month well-child visits with a date in the period (one per "
        "child and visit window)."
    ),
    gettext_noop(
        "The child's 1-month well-child visits with a date in the period (one per child and visit "
        "window)."
    ),
    gettext_noop(
        "The child's 2-month well-child visits with a date in the period (one per child and visit "
        "window)."
    ),
    gettext_noop(
        "The child's 4-month well-child visits with a date in the period (one per child and visit "
        "window)."
    ),
    gettext_noop(
        "The child's 6-month well-child visits with a date in the period (one per child and visit "
        "window)."
    ),
    gettext_noop(
        "Only a screen answered by a caregiver recorded as a birth parent counts (CMS82 "
        "'maternal'); a screen by another caregiver, or with no caregiver recorded, does not. "
        "'Birth parent' is recorded per caregiver for the family's children, so a family whose "
        "children have different birth parents is approximated."
    ),
    gettext_noop(
        "The state is the referral's current state, counted when its closing day (closed_at) is on "
        "or before the period's last day; a referral closed after the period is open for it."
    ),
    gettext_noop(
        "The window is the visit's periodicity window and may end after the period: a screen "
        "recorded later counts when the measure is recomputed."
    ),
    gettext_noop(
        "Unit: a referral the practice sent (requested_at) in the period; for a period made of "
        "whole calendar years, only those sent up to 2 months before its end (Jan 1-Oct 31, as "
        "CMS50 does; setting ref_cutoff_months); for any other period, every referral sent in it."
        " Entered-in-error referrals never existed and are left out; drafts were never sent. A "
        "referral counts when the child was on the practice's panel on the day it was sent."
    ),
    gettext_noop(
        "Any caregiver's screen counts, the birth parent's or another caregiver's (medhome's "
        "figure); CMS82 counts only the mother's, reported apart as the birth-parent figure."
    ),
    gettext_noop(
        "Validated caregiver depression screens: the registry's caregiver_depression instruments "
        "(EPDS, PHQ-9; the PHQ-2 only where the practice opts in to a PHQ-2 gate, domain-reference "
        "§4). An EPDS embedded in a SWYC form counts only when recorded as its own EPDS "
        "administration. The screen's result (positive or not) and any follow-up are not required."
    ),
    gettext_noop(
        "Positive screens (autism risk) found from the period's first day to its last day "
        "minus 30 days."
    ),
    gettext_noop(
        "Followed up within 30 days of being found (a step done: marked done, its task done, "
        "or its referral sent)."
    ),
    gettext_noop(
        "Unit: a positive screen (medhome.nextsteps: a scored form whose instrument's band is"
        " positive, and an M-CHAT-R at medium risk) of a child on the practice's panel on the"
        " day it was found, found from the period's first day to its last day minus 30 days "
        "(setting psf_days) so each has its 30 days in the period."
    ),
    gettext_noop(
        "Followed up (docs/clinical-rules.md#next-steps): a proposed step was done - marked "
        "done, its task closed as done, or its referral sent with the family's consent - on "
        "the day found up to 30 days after it (day 30 counts, day 31 does not). A screen "
        "whose steps were all declined, or still pending, is in the denominator and not in "
        "the numerator."
    ),
    gettext_noop(
        "A local measure (domain-reference §4: 'followed up within 30 days' is measured for "
        "every kind; no endorsed measure). The social-needs intervention rates (after SNS-E) "
        "count a referral or a care-plan action per domain and stay as they are; this rate "
        "counts the screen's own next steps."
    ),
    gettext_noop(
        "Positive screens (developmental concern) found from the period's first day to its "
        "last day minus 30 days."
    ),
    gettext_noop(
        "Positive screens (behavioral or social-emotional concern) found from the period's "
        "first day to its last day minus 30 days."
    ),
    gettext_noop(
        "Positive screens (caregiver depression) found from the period's first day to its "
        "last day minus 30 days."
    ),
    gettext_noop(
        "Positive screens (adolescent depression) found from the period's first day to its "
        "last day minus 30 days."
    ),
    gettext_noop(
        "Positive screens (substance use) found from the period's first day to its last day "
        "minus 30 days."
    ),
    gettext_noop(
        "Positive screens (social needs) found from the period's first day to its last day "
        "minus 30 days."
    ),
    gettext_noop(
        "Positive screens (all kinds) found from the period's first day to its last day minus"
        " 30 days."
    ),
    gettext_noop("A Reach Out and Read book given at the visit or on its day."),
    gettext_noop(
        "A book counts when its contact names the visit or is dated on the visit's day; a"
        " book given on another day does not. domain-reference §14: 'Programs count books"
        " given per eligible visit.'"
    ),
    gettext_noop(
        "A contact of any of the practice's programs (its own included) on the day found "
        "up to 30 days after it counts (day 30 counts, day 31 does not); a referral to a "
        "partner program is not a contact."
    ),
    gettext_noop("A contact of any of the practice's programs within 30 days of the screen."),
    gettext_noop(
        "A contact of the program dated in the period (no enrolment: every eligible child"
        " is in it)."
    ),
    gettext_noop(
        "A local measure (domain-reference §14, no endorsed measure): eligibility is the "
        "program's age range, as for enrolling (docs/clinical-rules.md#programs); risk "
        "and tiers are the team's judgement and are not part of the denominator."
    ),
    gettext_noop(
        "Children on the practice's panel on the period's last day who were within the "
        "program's ages on some day of the period (the practice's own program row: from "
        "its lower age, inclusive, to its upper age, exclusive), in a practice running "
        "the program."
    ),
    gettext_noop(
        "Counted only for a practice whose program row is running now (a program stopped "
        "during the period counts nothing); the practice's own programs are not measured "
        "here."
    ),
    gettext_noop(
        "Enrolled on some day of the period (enrolled on or before its last day, not "
        "ended before its first)."
    ),
    gettext_noop(
        "Offered the program on or before the period's last day, whatever came of it "
        "(enrolled, declined, graduated or left)."
    ),
    gettext_noop(
        "Positive screens of children within a program's ages found from the period's "
        "first day to its last day minus 30 days."
    ),
    gettext_noop(
        "Unit: a completed well-child visit (as W30: type, status, counted telehealth) "
        "dated in the period, of a child on the panel on the visit's day and within Reach"
        " Out and Read's ages on that day (the practice's row, by default 6 months as 181"
        " days, the fewest six calendar months span, inclusive, to 5 years as 1826 days,"
        " exclusive)."
    ),
    gettext_noop(
        "Unit: a positive screen (medhome.nextsteps) of a child on the practice's panel "
        "on the day it was found and within the ages of a program the practice runs in "
        "the clinic (not a partner program reached by referral), found from the period's "
        "first day to its last day minus 30 days (setting program_contact_days)."
    ),
    gettext_noop("Well-child visits in the period of children from 6 months to 5 years."),
)
