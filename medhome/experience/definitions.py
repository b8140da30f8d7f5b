"""The experience surveys as data, each with its license record
(docs/clinical-rules.md#family-experience, docs/decisions/0015-family-experience.md).

Two definitions ship:

- `medhome_visit`: medhome's OWN short visit-experience survey. Its wording was written by the
  project in English and Spanish; it is not a validated instrument, not CAHPS, and its results
  are not comparable with the CAHPS database or any benchmark. Families answer it from a family
  link after a visit.
- `cahps_cg_child_staff`: STAFF ENTRY of the CAHPS Clinician & Group Survey 4.0, child version,
  from the practice's own fielded paper or vendor form. Its terms could not be confirmed from
  AHRQ's pages on the day we checked, and we hold no verified copy of its wording, so medhome
  ships no item wording at all: item numbers (as printed on the practice's form) and the
  standard response options only. It is never sent by family link.

Like the screeners' license records (medhome.instruments: `text_license`, `license_note`,
`sources`), each definition says who holds the wording, on what terms, when that was checked and
from where.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from django.utils.translation import gettext_lazy as _

EMPTY: Mapping[str, str] = MappingProxyType({})


class TextLicense(StrEnum):
    # The project wrote the words and ships them (English and Spanish).
    PROJECT_OWN = "project_own"
    # The wording is someone else's and not shipped: staff key answers from the practice's form.
    STAFF_ENTRY_ONLY = "staff_entry_only"


@dataclass(frozen=True)
class License:
    holder: str
    terms: str
    checked_on: str  # ISO date the terms were last checked
    sources: tuple[str, ...]
    text_license: TextLicense


@dataclass(frozen=True)
class Option:
    code: str
    text: Mapping[str, str] = EMPTY  # empty for staff entry: staff see `label`
    label: str = ""


@dataclass(frozen=True)
class Item:
    key: str
    number: int
    text: Mapping[str, str] = EMPTY  # empty for a licensed form whose wording is not shipped
    options: tuple[Option, ...] = ()


@dataclass(frozen=True)
class Survey:
    key: str
    version: str
    name: str
    title: Mapping[str, str]
    items: tuple[Item, ...]
    # The options that count as the best answer (the "top box" the results report).
    top_box: frozenset[str]
    license: License
    # Sent to families by link (False: staff entry only, the reason in `refusal`).
    by_family_link: bool
    languages: frozenset[str]
    comparable: bool  # with the CAHPS database: only a real, unchanged CAHPS survey would be
    note: str = ""

    def item(self, key: str) -> Item | None:
        return next((i for i in self.items if i.key == key), None)


class SurveyRefused(Exception):
    """A survey may not go out this way (its license); the message says why."""


_YES_NO_3 = (
    Option("definitely", {"en": "Yes, definitely", "es": "Sí, totalmente"}),
    Option("somewhat", {"en": "Yes, somewhat", "es": "Sí, en parte"}),
    Option("no", {"en": "No", "es": "No"}),
)


def _own(key: str, number: int, en: str, es: str) -> Item:
    return Item(key=key, number=number, text={"en": en, "es": es}, options=_YES_NO_3)


MEDHOME_VISIT = Survey(
    key="medhome_visit",
    version="1",
    name="medhome visit experience (medhome's own, not validated)",
    title={"en": "How was your visit?", "es": "¿Cómo fue su visita?"},
    items=(
        _own(
            "explain",
            1,
            "Did the team explain things in a way that was easy to understand?",
            "¿El equipo le explicó las cosas de una manera fácil de entender?",
        ),
        _own(
            "listen",
            2,
            "Did the team listen carefully to you?",
            "¿El equipo le escuchó con atención?",
        ),
        _own(
            "questions",
            3,
            "Did you get answers to the questions you brought to the visit?",
            "¿Recibió respuestas a las preguntas que traía a la visita?",
        ),
        _own(
            "language",
            4,
            "Could you talk with the team in the language you prefer?",
            "¿Pudo hablar con el equipo en el idioma que prefiere?",
        ),
        _own(
            "respect",
            5,
            "Did the team treat you and your child with respect?",
            "¿El equipo les trató a usted y a su hijo/a con respeto?",
        ),
        _own(
            "next_steps",
            6,
            "Do you know what to do next for your child's health?",
            "¿Sabe qué hacer ahora para la salud de su hijo/a?",
        ),
    ),
    top_box=frozenset({"definitely"}),
    license=License(
        holder="The medhome project",
        terms=(
            "medhome's own wording, written by the project in English and Spanish and licensed "
            "with the project. Not a validated instrument, not CAHPS; results are not "
            "comparable with the CAHPS database or any external benchmark."
        ),
        checked_on="2026-12-05",
        sources=("docs/decisions/0015-family-experience.md",),
        text_license=TextLicense.PROJECT_OWN,
    ),
    by_family_link=True,
    languages=frozenset({"en", "es"}),
    comparable=False,
)

# Standard CAHPS response options, as codes and neutral staff labels (never an item's wording).
# medhome does not know which item of the practice's form uses which set (no verified copy of
# the form), so every item number accepts any of them; staff key what the form shows.
CAHPS_OPTIONS = (
    Option("never", label="Never"),
    Option("sometimes", label="Sometimes"),
    Option("usually", label="Usually"),
    Option("always", label="Always"),
    Option("yes", label="Yes"),
    Option("no", label="No"),
    *(Option(str(n), label=f"{n} (0–10 rating)") for n in range(11)),
)
CAHPS_ITEM_COUNT = 40

CAHPS_CG_CHILD_STAFF = Survey(
    key="cahps_cg_child_staff",
    version="4.0",
    name="CAHPS Clinician & Group Survey 4.0, child — staff entry",
    title={"en": "CAHPS Clinician & Group Survey 4.0, child — staff entry"},
    items=tuple(
        Item(key=f"q{n}", number=n, options=CAHPS_OPTIONS) for n in range(1, CAHPS_ITEM_COUNT + 1)
    ),
    # CAHPS reports the most positive answer: "Always", "Yes", and 9–10 on a 0–10 rating.
    top_box=frozenset({"always", "yes", "9", "10"}),
    license=License(
        holder="Agency for Healthcare Research and Quality (AHRQ); CAHPS® is its registered "
        "trademark",
        terms=(
            "Not confirmed from AHRQ's own pages on the day checked. Found: changing the core "
            "items' wording or order means it is no longer a CAHPS survey; use outside the US "
            "needs permission. medhome holds no verified copy of the wording (English or "
            "Spanish) and ships none: staff key the answers from the practice's own fielded "
            "paper or vendor form, by item number."
        ),
        checked_on="2026-12-05",
        sources=("https://www.ahrq.gov/cahps/surveys-guidance/cg/index.html",),
        text_license=TextLicense.STAFF_ENTRY_ONLY,
    ),
    by_family_link=False,
    languages=frozenset(),
    comparable=False,
    note=(
        "Counted apart from medhome's own survey. Not comparable with the CAHPS database unless "
        "the practice's vendor fielded it by the CAHPS protocol."
    ),
)

SURVEYS: dict[str, Survey] = {s.key: s for s in (MEDHOME_VISIT, CAHPS_CG_CHILD_STAFF)}
FAMILY_SURVEY = MEDHOME_VISIT.key
STAFF_SURVEY = CAHPS_CG_CHILD_STAFF.key
LINK_REFUSAL = _(
    "The CAHPS Clinician & Group Survey cannot be sent by family link: medhome does not ship "
    "its wording (its license could not be confirmed). Enter the answers from your practice's "
    "own paper or vendor form instead."
)


def get(key: str) -> Survey:
    return SURVEYS[key]


def refuse_family_link(survey: Survey) -> None:
    if not survey.by_family_link:
        raise SurveyRefused(str(LINK_REFUSAL))
