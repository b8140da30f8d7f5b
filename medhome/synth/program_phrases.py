"""The words of the synthetic programs: what staff saw the parent doing well (staff words, in the
team's language, English), the goals a parent set at a VIP session and the reasons a family gave
for declining (the family's words: Spanish for Spanish-speaking families, English otherwise, as
an interpreter would have written them down), and the team's decisions at a DULCE case review.
All invented.
"""

# Staff words: strengths-based observations (Contact.strengths), each with the Strengthening
# Families protective factors it speaks to (definitions.PROTECTIVE_FACTORS).
STRENGTHS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Mom read the baby's cues and soothed her quickly during the exam.", ("knowledge",)),
    ("Dad held the baby skin to skin and talked to him the whole visit.", ("child_competence",)),
    ("She asked great questions about sleep and wrote down the plan.", ("knowledge",)),
    ("Grandma and mom take turns at night; the family shares the load.", ("social_connections",)),
    ("She signed up for WIC on her own after our last talk.", ("concrete_support",)),
    ("He kept going to work and to every visit through a hard month.", ("resilience",)),
    ("The parents narrate what they do; the baby follows their voices.", ("child_competence",)),
    ("Mom brought the book from last visit and showed how they read it.", ("knowledge",)),
    ("She called the helpline when she felt overwhelmed: a real strength.", ("resilience",)),
    ("The family found a parents' group at church and goes every week.", ("social_connections",)),
    ("Dad made a bedtime routine and sticks with it.", ("knowledge", "child_competence")),
    ("She followed up on the benefits appointment and brought the papers.", ("concrete_support",)),
    (
        "Warm, playful back-and-forth with the toddler during the whole visit.",
        ("child_competence",),
    ),
    ("Mom stayed calm and named his feelings when he got upset.", ("child_competence",)),
)

# The family's words: goals a parent set at a VIP session (Contact.goals).
GOALS = {
    "en": (
        "Read one book together every night before bed.",
        "Sing the songs from the video during bath time.",
        "Point at pictures and name them, and wait for her to answer.",
        "Turn off the TV at dinner and talk about the day.",
        "Play on the floor for ten minutes after work.",
        "Let him choose the book and follow his lead.",
    ),
    "es": (
        "Leer un libro juntos todas las noches antes de dormir.",
        "Cantar las canciones del video a la hora del baño.",
        "Señalar los dibujos, nombrarlos y esperar a que ella responda.",
        "Apagar la tele en la cena y platicar sobre el día.",
        "Jugar en el piso diez minutos al llegar del trabajo.",
        "Dejar que él escoja el libro y seguir lo que le interesa.",
    ),
}

# The family's words: why they declined an offer (Enrolment.end_reason).
DECLINE_REASONS = {
    "en": (
        "We have a lot going on right now; maybe later.",
        "My mother helps us and we feel we have enough support.",
        "I work during clinic hours and can't stay longer.",
        "We already have a home visitor from another program.",
        "I'd rather not have more people involved right now.",
    ),
    "es": (
        "Tenemos muchas cosas ahorita; tal vez más adelante.",
        "Mi mamá nos ayuda y sentimos que tenemos suficiente apoyo.",
        "Trabajo en el horario de la clínica y no me puedo quedar más tiempo.",
        "Ya tenemos una visitadora de otro programa.",
        "Prefiero no tener a más personas involucradas por ahora.",
    ),
}

# Staff words: why a HealthySteps family moves to tier 2 or 3 (EnrolmentChange.reason).
# A VIP family that stopped coming to its sessions (staff words).
VIP_STOPPED = "No VIP session at the visits for six months; the family stopped coming."

# Tier 2 is short-term (1–3 consults): when it is done the family is back in tier 1.
TIER_DONE = "Short-term support done; the family is back with universal support."

TIER_REASONS = {
    "2": (
        "Mom worried about sleep and crying; short-term support agreed.",
        "Mild language concern at the visit; guidance and follow-up calls.",
        "Family asked for help finding child care and benefits.",
    ),
    "3": (
        "Caregiver depression screen positive and the family asked for ongoing support.",
        "Several stressors at once (housing, a new baby); team visits agreed.",
    ),
}

# Staff words: a CHW's note after a contact (Contact.note).
CHW_NOTES = (
    "Helped with the SNAP renewal form.",
    "Confirmed the next visit and arranged a ride.",
    "Dropped off diapers from the diaper bank.",
    "Talked through the housing application; follow up next week.",
    "Family doing well; checking in again in two weeks.",
)

# Staff words: decisions of the weekly DULCE case review (Contact.goals on a case review).
CASE_REVIEW_DECISIONS = (
    "Family specialist calls about the SNAP application by Friday.",
    "Legal partner reviews the WIC denial letter.",
    "Follow up on the utility shut-off notice with the legal partner.",
    "Family specialist checks on the Medicaid renewal at the next visit.",
)

LEAVE_REASONS = ("The family moved out of the area.", "The family asked to stop the visits.")


def family_language(language: str) -> str:
    """The language of the family's own words here (Spanish or, through an interpreter,
    English)."""
    return "es" if language == "es" else "en"
