"""Reads of medhome.experience: the results for the measures dashboard and the network (set-based:
one GROUP BY per table, whatever the answers), and the families' comments for the practice's
quality lead only (docs/clinical-rules.md#family-experience).

Strata are the measures' (docs/clinical-rules.md#measure-strata): the child's preferred language,
race and ethnicity both ways (mutually exclusive group; alone or in combination, overlapping),
payer, and the site of the visit asked about. Small counts are suppressed everywhere, inside the
practice too (medhome.core.suppression, complementary suppression for rows that sum to a total):
unlike a measure's count of visits, an answer is what a family said in confidence, and a stratum
of one to ten answers (the practice's only Somali-speaking families) would show the team what
those families said.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Count, F, Q
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import Entry, record_many
from medhome.core.actor import Actor
from medhome.core.suppression import Cell, suppress_rows, suppress_total
from medhome.families.languages import language_name
from medhome.families.vocabulary import Payer, RaceEthnicity, RaceEthnicityGroup
from medhome.practices.models import Practice, Site

from . import definitions
from .models import Answer, Comment, QualityLead

NOT_RECORDED = "—"
COMMENT_OBJECT = "experience.comment"
COMMENTS_PAGE = 50


@dataclass(frozen=True)
class Dimension:
    key: str
    title: Any
    exclusive: bool = True


DIMENSIONS: dict[str, Dimension] = {
    d.key: d
    for d in (
        Dimension("language", _("Preferred language")),
        Dimension("race_ethnicity", _("Race and ethnicity (mutually exclusive)")),
        Dimension("race_ethnicity_any", _("Race and ethnicity (alone or in combination)"), False),
        Dimension("payer", _("Payer")),
        Dimension("site", _("Site")),
    )
}
DEFAULT_DIMENSION = "language"
COLUMN = {
    "language": "response__child__preferred_language",
    "race_ethnicity": "response__child__race_ethnicity_group",
    "payer": "response__child__payer",
    "site": "response__site_id",
    "practice": "practice_id",
}


@dataclass(frozen=True)
class ItemResult:
    item: definitions.Item
    total: Cell
    rows: list[Cell]

    @property
    def title(self) -> str:
        """The item's wording in the reader's language; a licensed form's number only."""
        language = (translation.get_language() or "en").split("-")[0]
        text = self.item.text.get(language) or self.item.text.get("en")
        return (
            f"{self.item.number}. {text}"
            if text
            else str(_("Item %(n)d") % {"n": self.item.number})
        )


def _answers(practice_ids: list[UUID], survey_key: str, start: date, end: date):
    return Answer.objects.filter(
        practice_id__in=practice_ids,
        response__survey_key=survey_key,
        response__answered_on__range=(start, end),
    ).order_by()


def _top(survey: definitions.Survey) -> Q:
    return Q(value__in=sorted(survey.top_box))


def _labeller(dimension: str, keys: list[Any]):
    if dimension == "language":
        return lambda tag: language_name(str(tag)) if tag else NOT_RECORDED
    if dimension == "race_ethnicity":
        labels = dict(RaceEthnicityGroup.choices)
        return lambda v: str(labels.get(v, v or NOT_RECORDED))
    if dimension == "payer":
        labels = dict(Payer.choices)
        return lambda v: str(labels.get(v, v or NOT_RECORDED))
    if dimension == "site":
        names = {str(s.pk): s.name for s in Site.objects.filter(pk__in=[k for k in keys if k])}
        return lambda pk: names.get(str(pk), str(_("No site recorded")))
    if dimension == "practice":
        names = {str(p.pk): p.name for p in Practice.objects.filter(pk__in=keys)}
        return lambda pk: names.get(str(pk), NOT_RECORDED)
    raise KeyError(dimension)


def _grouped(answers, survey: definitions.Survey, dimension: str) -> dict[str, list[Cell]]:
    """Item key → one cell per stratum (numerator: the best answer; denominator: n)."""
    found: dict[str, list[Cell]] = defaultdict(list)
    if dimension == "race_ethnicity_any":
        categories = [c for c in RaceEthnicity if c != RaceEthnicity.DECLINED]
        sums: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        for item, chosen, top, n in (
            answers.annotate(chosen=F("response__child__race_ethnicity"))
            .values("item", "chosen")
            .annotate(top=Count("pk", filter=_top(survey)), n=Count("pk"))
            .values_list("item", "chosen", "top", "n")
        ):
            for category in set(chosen or ()):
                sums[item][category][0] += top
                sums[item][category][1] += n
        for item, per in sums.items():
            found[item] = [
                Cell(c.value, str(c.label), per[c.value][0], per[c.value][1])
                for c in categories
                if per[c.value][1]
            ]
        return found
    rows = list(
        answers.annotate(stratum=F(COLUMN[dimension]))
        .values("item", "stratum")
        .annotate(top=Count("pk", filter=_top(survey)), n=Count("pk"))
        .values_list("item", "stratum", "top", "n")
    )
    label = _labeller(dimension, list({r[1] for r in rows}))
    for item, stratum, top, n in rows:
        found[item].append(Cell(str(stratum or ""), label(stratum), top, n))
    return found


def results(
    practice_ids: list[UUID],
    start: date,
    end: date,
    dimension: str = DEFAULT_DIMENSION,
    *,
    survey_key: str = definitions.FAMILY_SURVEY,
    suppress: bool = False,
) -> list[ItemResult]:
    """Per item of the survey: the share of the best answer (top box) with n, overall and by
    the dimension. Two GROUP BY queries (plus site or practice names)."""
    survey = definitions.get(survey_key)
    answers = _answers(practice_ids, survey_key, start, end)
    totals = {
        item: (top, n)
        for item, top, n in answers.values("item")
        .annotate(top=Count("pk", filter=_top(survey)), n=Count("pk"))
        .values_list("item", "top", "n")
    }
    strata = _grouped(answers, survey, dimension)
    exclusive = DIMENSIONS[dimension].exclusive if dimension in DIMENSIONS else True
    out = []
    for item in survey.items:
        if survey_key == definitions.STAFF_SURVEY and item.key not in totals:
            continue  # staff entry: only the item numbers the practice's form had
        top, n = totals.get(item.key, (0, 0))
        total = Cell("total", str(_("All answers")), top, n)
        rows = sorted(strata.get(item.key, []), key=lambda c: (-c.denominator, c.label))
        if suppress:
            total, rows = suppress_total(total), suppress_rows(rows, exclusive=exclusive)
        out.append(ItemResult(item, total, rows))
    return out


def practice_results(
    actor: Actor, start: date, end: date, dimension: str = DEFAULT_DIMENSION
) -> dict[str, Any]:
    """The dashboard section: the practice's own answers, small counts suppressed (see the
    module's docstring), medhome's survey and the staff-entered CAHPS form apart."""
    if not actor.can(Capability.MEASURES_READ):
        raise Http404
    ids = [actor.practice_id]
    return {
        "dimension": DIMENSIONS[dimension],
        "dimensions": list(DIMENSIONS.values()),
        "survey": definitions.MEDHOME_VISIT,
        "items": results(ids, start, end, dimension, suppress=True),
        "is_quality_lead": is_quality_lead(actor),
        "staff_survey": definitions.CAHPS_CG_CHILD_STAFF,
        "staff_items": results(
            ids, start, end, dimension, survey_key=definitions.STAFF_SURVEY, suppress=True
        ),
    }


def network_practices(actor: Actor) -> list[Practice]:
    if actor.practice is None or not (
        actor.can(Capability.NETWORK_AGGREGATES) or actor.can(Capability.MEASURES_READ)
    ):
        raise Http404
    network_id = actor.practice.network_id
    if network_id is None:
        return [actor.practice]
    return list(Practice.objects.filter(network_id=network_id).order_by("name"))


def network_results(actor: Actor, start: date, end: date, dimension: str) -> dict[str, Any]:
    """Across the network: per item by practice and by the dimension, every count suppressed
    (it leaves each practice). No child, no comment."""
    practices = network_practices(actor)
    ids = [p.pk for p in practices]
    return {
        "practices": practices,
        "by_practice": results(ids, start, end, "practice", suppress=True),
        "by_dimension": results(ids, start, end, dimension, suppress=True),
        "dimension": DIMENSIONS[dimension],
        "dimensions": list(DIMENSIONS.values()),
        "survey": definitions.MEDHOME_VISIT,
    }


# --- Comments: the quality lead only --------------------------------------------------------


def quality_lead_of(practice_id: UUID) -> QualityLead | None:
    return QualityLead.objects.filter(practice_id=practice_id).select_related("user").first()


def is_quality_lead(actor: Actor) -> bool:
    return bool(
        actor.user is not None
        and actor.practice_id is not None
        and QualityLead.objects.filter(practice_id=actor.practice_id, user=actor.user).exists()
    )


@dataclass(frozen=True)
class ShownComment:
    id: object
    text: str
    created_at: datetime
    language: str
    # Only where the family ticked "you may show my name": the caregiver's name.
    name: str


def comments_for_quality_lead(actor: Actor, *, at: datetime, page: int = 1) -> list[ShownComment]:
    """The practice's comments, newest first, for its quality lead only (404 for anyone else);
    without family or child identity unless the family allowed its name. Every read audited."""
    if not actor.can(Capability.MEASURES_READ) or not is_quality_lead(actor):
        raise Http404
    start = (max(page, 1) - 1) * COMMENTS_PAGE
    rows = list(
        Comment.objects.filter(practice_id=actor.practice_id)
        .select_related("response__invitation__caregiver")
        .order_by("-created_at", "pk")[start : start + COMMENTS_PAGE]
    )
    shown = []
    for c in rows:
        invitation = c.response.invitation
        name = ""
        if c.may_show_name and invitation is not None:
            name = str(invitation.caregiver)
        shown.append(ShownComment(c.pk, c.text, c.created_at, c.response.language, name))
    with transaction.atomic():
        record_many(
            actor=actor,
            entries=[
                Entry(
                    action=Action.VIEW,
                    object_type=COMMENT_OBJECT,
                    object_id=c.pk,
                    detail={"child": str(c.response.child_id)},
                )
                for c in rows
            ],
            at=at,
            practice=actor.practice,
        )
    return shown


def members_for_lead(actor: Actor):
    """The practice's active colleagues one may choose as quality lead."""
    from medhome.practices.models import Membership

    if not actor.can(Capability.USERS_MANAGE):
        raise Http404
    return (
        Membership.objects.active()
        .filter(practice_id=actor.practice_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


def access_child_for_entry(actor: Actor, child_id: object, *, at: datetime):
    """The child whose licensed form staff key (404 outside the actor's practice); the opening
    is audited on the child's record, as every read of a child."""
    from medhome.families.selectors import access_child
    from medhome.families.services import CHILD_OBJECT

    if not actor.can(Capability.MEASURES_READ):
        raise Http404
    child = access_child(actor, child_id)  # type: ignore[arg-type]
    with transaction.atomic():
        record_many(
            actor=actor,
            entries=[
                Entry(
                    action=Action.VIEW,
                    object_type=CHILD_OBJECT,
                    object_id=child.pk,
                    detail={"page": "experience.staff_entry"},
                )
            ],
            at=at,
            practice=actor.practice,
        )
    return child
