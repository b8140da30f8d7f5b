"""Words of crisis in a family's text: a safety net, not language understanding.

Issue 16 (Replies): a reply that contains words of crisis is not parsed for meaning — it goes at
once to a clinician as an urgent task and the family receives the crisis resources text (988 /
911). These lists were written for medhome from the kinds of message a pediatric practice must
never leave unread until morning: thoughts of suicide or of dying, self-harm, harming someone
else (a child included), an emergency, and abuse or violence at home. They are deliberately
broad: a false alarm costs a clinician a call, a miss may cost a life. Matching is on whole
words after lower-casing and removing accents, so "Me quiero MORIR." and "me quiero morir" are
the same; a phrase matches inside a longer text.

Adding a phrase: add it to the right class in its language, lower case, without accents, and
add a test sentence for it when it is a new class.
"""

import re
import unicodedata

# class → language → phrases (lower case, no accents, words separated by one space).
PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "suicide": {
        "en": (
            "suicide",
            "suicidal",
            "kill myself",
            "killing myself",
            "end my life",
            "take my life",
            "take my own life",
            "end it all",
        ),
        "es": (
            "suicidio",
            "suicida",
            "suicidarme",
            "matarme",
            "quitarme la vida",
            "acabar con mi vida",
            "terminar con mi vida",
        ),
    },
    "want_to_die": {
        "en": (
            "want to die",
            "wanna die",
            "wish i was dead",
            "wish i were dead",
            "better off dead",
            "no reason to live",
            "dont want to live",
            "don t want to live",
            "do not want to live",
        ),
        "es": (
            "quiero morir",
            "me quiero morir",
            "quiero morirme",
            "no quiero vivir",
            "mejor muerto",
            "mejor muerta",
            "ganas de morir",
        ),
    },
    "self_harm": {
        "en": (
            "hurt myself",
            "hurting myself",
            "harm myself",
            "harming myself",
            "self harm",
            "cut myself",
            "cutting myself",
            "overdose",
        ),
        "es": ("hacerme dano", "lastimarme", "cortarme", "me corto", "sobredosis"),
    },
    "harm_others": {
        "en": (
            "kill him",
            "kill her",
            "kill them",
            "kill you",
            "kill someone",
            "kill my",
            "hurt him",
            "hurt her",
            "hurt them",
            "hurt someone",
            "hurt my baby",
            "hurt the baby",
            "shake the baby",
            "hurting someone",
        ),
        "es": (
            "matarlo",
            "matarla",
            "matarlos",
            "matar a",
            "lastimarlo",
            "lastimarla",
            "hacerle dano",
            "lastimar al bebe",
            "lastimar a mi",
        ),
    },
    "emergency": {
        "en": ("emergency", "911", "not breathing", "cant breathe", "can t breathe"),
        "es": ("emergencia", "urgencia", "no respira", "no puede respirar"),
    },
    "abuse": {
        "en": (
            "abuse",
            "abused",
            "abusing",
            "abusive",
            "he hits me",
            "she hits me",
            "hits me",
            "hit me",
            "beats me",
            "beat me",
            "hurts me",
            "rape",
            "raped",
            "not safe at home",
            "afraid for my life",
            "scared for my life",
            "threatens me",
            "touched me",
        ),
        "es": (
            "abuso",
            "abusa",
            "abusaron",
            "abusando",
            "me pega",
            "me pegan",
            "me golpea",
            "me golpean",
            "me maltrata",
            "maltrato",
            "violacion",
            "me violo",
            "me amenaza",
            "no estoy a salvo",
            "tengo miedo de que me mate",
        ),
    },
}


def _normal(text: str) -> str:
    """Lower case, no accents, apostrophes dropped, every other non-word character a space."""
    plain = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    plain = plain.replace("'", "").replace("\u2019", "")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def _pattern(language: str | None = None) -> re.Pattern[str]:
    phrases = {
        phrase
        for languages in PHRASES.values()
        for code, listed in languages.items()
        if language in (None, code)
        for phrase in listed
    }
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in ordered) + r")\b")


_PATTERN = _pattern()
_SPANISH = _pattern("es")


def has_crisis_words(body: str) -> bool:
    """True when the text holds any phrase of any class, in either language."""
    return bool(_PATTERN.search(_normal(body)))


def language_of(body: str) -> str:
    """ "es" when a Spanish phrase matched, else "en": the language to answer a number no
    caregiver has (a known caregiver is answered in their own language)."""
    return "es" if _SPANISH.search(_normal(body)) else "en"
