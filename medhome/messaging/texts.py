"""The authored words of every message, in English and Spanish, written for this project.

Short, plain language; each says who it is from and, when the family has something to do,
carries a family link (portal.links). Never a diagnosis, a score, a screen's name, a referral's
need or a child's name (tests/test_texts.py reads every text for them). A language not here is
not machine-translated: the message is not sent and staff get a task (services.planning).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.utils import dateformat, translation

# kind → variant → language → text. Placeholders: {practice}, {when}, {link}, {sender}.
TEXTS: dict[str, dict[str, dict[str, str]]] = {
    "visit_reminder": {
        "plain": {
            "en": (
                "{practice}: a reminder of your child's visit on {when}. "
                "To change it, call us. Reply STOP to stop texts."
            ),
            "es": (
                "{practice}: le recordamos la visita de su hijo/a el {when}. "
                "Para cambiarla, llámenos. Responda STOP para no recibir textos."
            ),
        },
        "with_link": {
            "en": (
                "{practice}: a reminder of your child's visit on {when}. "
                "Before the visit, please answer a few questions: {link} "
                "Reply STOP to stop texts."
            ),
            "es": (
                "{practice}: le recordamos la visita de su hijo/a el {when}. "
                "Antes de la visita, conteste unas preguntas: {link} "
                "Responda STOP para no recibir textos."
            ),
        },
        # On paper (the mail list) or read out: no link and nothing to reply to.
        "paper": {
            "en": (
                "{practice}: a reminder of your child's visit on {when}. "
                "To change it, please call us."
            ),
            "es": (
                "{practice}: le recordamos la visita de su hijo/a el {when}. "
                "Para cambiarla, llámenos."
            ),
        },
    },
    "keyword_reply": {
        "stop": {
            "en": "{practice}: you will get no more texts from us. Reply START to get them again.",
            "es": (
                "{practice}: ya no le enviaremos textos. Responda START para recibirlos otra vez."
            ),
        },
        "start": {
            "en": "{practice}: you will get our texts again. Reply STOP to stop, HELP for help.",
            "es": (
                "{practice}: volverá a recibir nuestros textos. Responda STOP para dejar de "
                "recibirlos, HELP para ayuda."
            ),
        },
        "help": {
            "en": (
                "{practice}: texts about your family's visits. For help, call the office. "
                "Reply STOP to stop texts. Message and data rates may apply."
            ),
            "es": (
                "{practice}: textos sobre las visitas de su familia. Para ayuda, llame a la "
                "oficina. Responda STOP para no recibir textos. Pueden aplicarse tarifas."
            ),
        },
    },
    # The answer to a text with words of crisis (crisis.py), sent at once whatever the hour.
    # Resources only, no diagnosis; 988 is the Suicide & Crisis Lifeline's number (call or
    # text, English and Spanish), 911 for immediate danger. It promises the call the urgent
    # task asks a clinician to make.
    "crisis_reply": {
        "resources": {
            "en": (
                "{practice}: we got your text. If you are in danger or it is an emergency, call "
                "911 now. To talk to someone any time, call or text 988 (Suicide & Crisis "
                "Lifeline). Someone from our practice will call you."
            ),
            "es": (
                "{practice}: recibimos su texto. Si está en peligro o es una emergencia, llame "
                "al 911 ahora. Para hablar con alguien a cualquier hora, llame o envíe un texto "
                "al 988 (Línea de Prevención del Suicidio y Crisis). Alguien de nuestra "
                "consulta le llamará."
            ),
        },
    },
    # A child overdue for a well-child visit or a screen: asks the family to book; carries the
    # pre-visit questions when a screen is due (the link's screeners are screening's choice).
    "recall": {
        "plain": {
            "en": (
                "{practice}: it is time for your child's checkup. "
                "Please call us to choose a day that works for you. Reply STOP to stop texts."
            ),
            "es": (
                "{practice}: ya es hora del chequeo de su hijo/a. "
                "Llámenos para elegir un día que le convenga. "
                "Responda STOP para no recibir textos."
            ),
        },
        "with_link": {
            "en": (
                "{practice}: it is time for your child's checkup. "
                "Please call us to choose a day, and answer a few questions before: {link} "
                "Reply STOP to stop texts."
            ),
            "es": (
                "{practice}: ya es hora del chequeo de su hijo/a. "
                "Llámenos para elegir un día y conteste unas preguntas antes: {link} "
                "Responda STOP para no recibir textos."
            ),
        },
        "paper": {
            "en": (
                "{practice}: it is time for your child's checkup. "
                "Please call us to choose a day that works for you."
            ),
            "es": (
                "{practice}: ya es hora del chequeo de su hijo/a. "
                "Llámenos para elegir un día que le convenga."
            ),
        },
    },
    # Never the organization's name nor the need: a food bank's or a clinic's name says what
    # the family needed. The page behind the link names the organization to the family.
    "referral_follow_up": {
        "with_link": {
            "en": (
                "{practice}: did you get the help we talked about? "
                "Tell us in one tap: {link} Reply STOP to stop texts."
            ),
            "es": (
                "{practice}: ¿recibió la ayuda de la que hablamos? "
                "Díganos con un toque: {link} Responda STOP para no recibir textos."
            ),
        },
    },
    # From the care coordinator by name when the child's care team has one; never the
    # hospital, the stay or why.
    "discharge_check_in": {
        "named": {
            "en": (
                "{practice}: this is {sender}, your family's care coordinator. "
                "We would like to check in on how your family is doing. "
                "Reply to this text or call us. Reply STOP to stop texts."
            ),
            "es": (
                "{practice}: le saluda {sender}, coordinador/a de cuidado de su familia. "
                "Queremos saber cómo está su familia. "
                "Responda a este texto o llámenos. Responda STOP para no recibir textos."
            ),
        },
        "team": {
            "en": (
                "{practice}: your child's care team would like to check in on how your "
                "family is doing. Reply to this text or call us. Reply STOP to stop texts."
            ),
            "es": (
                "{practice}: el equipo de cuidado de su hijo/a quiere saber cómo está su "
                "familia. Responda a este texto o llámenos. "
                "Responda STOP para no recibir textos."
            ),
        },
    },
    "care_plan_review": {
        "with_link": {
            "en": (
                "{practice}: it is time to look at your child's care plan together. "
                "See it and add what matters to you: {link} Reply STOP to stop texts."
            ),
            "es": (
                "{practice}: es hora de revisar juntos el plan de cuidado de su hijo/a. "
                "Véalo y agregue lo que le importa: {link} "
                "Responda STOP para no recibir textos."
            ),
        },
    },
    # Written for this project (not a validated instrument's wording): the survey is medhome's
    # own (medhome.experience.definitions).
    "experience_survey": {
        "with_link": {
            "en": (
                "{practice}: how was your child's visit? Tell us in 6 short questions: {link} "
                "Reply STOP to stop texts."
            ),
            "es": (
                "{practice}: ¿cómo fue la visita de su hijo/a? Díganos en 6 preguntas cortas: "
                "{link} Responda STOP para no recibir textos."
            ),
        },
    },
}

SUBJECTS: dict[str, dict[str, str]] = {
    "visit_reminder": {"en": "Your child's visit", "es": "La visita de su hijo/a"},
    "keyword_reply": {"en": "Our messages", "es": "Nuestros mensajes"},
    "crisis_reply": {"en": "We got your message", "es": "Recibimos su mensaje"},
    "staff_reply": {
        "en": "A message from your child's care team",
        "es": "Un mensaje del equipo de su hijo/a",
    },
    "recall": {"en": "Time for a checkup", "es": "Es hora de un chequeo"},
    "referral_follow_up": {"en": "Did you get help?", "es": "¿Recibió ayuda?"},
    "discharge_check_in": {"en": "Checking in", "es": "Queremos saber de ustedes"},
    "care_plan_review": {"en": "Your child's care plan", "es": "El plan de cuidado de su hijo/a"},
    "experience_survey": {"en": "How was your visit?", "es": "¿Cómo fue su visita?"},
}

# The wall-clock format of a visit in each language (Django's date format characters).
WHEN_FORMATS = {"en": r"l, F j \a\t g:i A", "es": r"l j \d\e F \a \l\a\s G:i"}


# A text's way out ("Reply STOP") means nothing in an email, whose replies medhome does not
# read: an email says how to stop instead (sending._email).
STOP_SENTENCES = {
    "en": "Reply STOP to stop texts.",
    "es": "Responda STOP para no recibir textos.",
}
EMAIL_STOP_SENTENCES = {
    "en": "To stop these emails, call us or tell us at your next visit.",
    "es": "Para no recibir estos correos, llámenos o díganoslo en su próxima visita.",
}


def for_email(body: str, language: str) -> str:
    code = base_language(language)
    stop, instead = STOP_SENTENCES.get(code), EMAIL_STOP_SENTENCES.get(code)
    return body.replace(stop, instead) if stop and instead else body


@dataclass(frozen=True)
class Rendered:
    body: str
    subject: str


def base_language(tag: str) -> str:
    return (tag or "en").split("-")[0].lower()


def has_text(kind: str, variant: str, language: str) -> bool:
    return base_language(language) in TEXTS.get(kind, {}).get(variant, {})


def format_when(moment: datetime, language: str) -> str:
    code = base_language(language)
    with translation.override(code):
        when = dateformat.format(moment, WHEN_FORMATS.get(code, WHEN_FORMATS["en"]))
    # Spanish writes a weekday in a sentence in lower case ("el martes 10 de marzo"); the
    # catalogue's "Martes" is a heading's.
    return when[:1].lower() + when[1:] if code == "es" else when


def render(kind: str, variant: str, language: str, values: Mapping[str, str]) -> Rendered | None:
    """The text in the caregiver's language, or None when it was not written in that language."""
    code = base_language(language)
    text = TEXTS.get(kind, {}).get(variant, {}).get(code)
    if text is None:
        return None
    return Rendered(body=text.format(**values), subject=SUBJECTS[kind][code])
