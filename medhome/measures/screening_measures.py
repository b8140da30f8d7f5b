"""Screening measures, set-based: caregiver depression at the 1-, 2-, 4- and 6-month visits and
by 6 months (after CMS82), autism screening at 18 and 24 months, social-needs screening and
intervention (after HEDIS SNS-E). Each builder returns (queryset, child_path) in the membership
shape (engine.py); one query per measure, correlated EXISTS only.

What each measure counts, and every simplification: definitions.py.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from django.db.models import Case, Exists, F, Max, OuterRef, Q, QuerySet, Value, When

from medhome.families.models import Child
from medhome.measures import anchors, definitions, visit_windows
from medhome.measures.attribution import on_panel, own_rows
from medhome.measures.sql import (
    all_of,
    any_of,
    as_text,
    flagged,
    local_day,
    local_days,
    per_child,
    shift,
)
from medhome.measures.sql import well_visits as _well_visits
from medhome.screening.models import Administration
from medhome.visits.models import Visit, VisitStatus

ONE = timedelta(days=1)
CDEP_VISITS = {key: visits for key, _, visits in definitions.CDEP_VISITS}
ASD_VISITS = {key: visits for key, _, visits in definitions.ASD_VISITS}
SNS_DOMAINS = dict(definitions.SNS_DOMAINS)  # key part -> screening domain


def _scored(rules: dict) -> QuerySet:
    return Administration.objects.filter(status=rules["screening_status"])


def caregiver_screens(rules: dict) -> QuerySet:
    return _scored(rules).filter(
        instrument_key__in=definitions.cdep_instrument_keys(rules),
        respondent__in=rules["cdep_respondents"],
    )


# --- Caregiver depression at each visit: rows are visits ---------------------------------------


def cdep_visits(key: str, rules, practices, start: date, end: date):
    """The child's first well-child visit in each of the key's visit windows, dated in the
    period; in the numerator when a caregiver screen lies in that window (or around the visit's
    date, setting cdep_screen_days_from_visit)."""
    visits, parts = cdep_parts(CDEP_VISITS[key], rules, practices, start, end)
    if not parts:
        return Visit.objects.none(), "child__"
    return flagged(visits, any_of([part.screened for part in parts]), "child_id"), "child__"


@dataclass(frozen=True)
class CdepPart:
    visit_key: str
    in_window: Q  # the visit lies in this visit's window (windows of one child don't overlap)
    screened: Q  # in_window and a caregiver screen counts for it


def cdep_parts(visit_keys, rules, practices, start: date, end: date):
    """(the visits that are units of any of `visit_keys`, one CdepPart per visit key with
    children in the period); measures.batches groups the rows by part."""
    around = rules["cdep_screen_days_from_visit"]
    visits = _well_visits(rules).filter(
        local_days("starts_at", start, end), child__practice__in=practices
    )
    if own := own_rows(practices):  # one practice's visits by its (practice, starts_at) index
        visits = visits.filter(practice__in=own)
    if around is not None:
        visits = visits.annotate(
            s_first=shift(local_day("starts_at"), -int(around)),
            s_last=shift(local_day("starts_at"), int(around)),
        )
    screens = caregiver_screens(rules).filter(child=OuterRef("child_id"))
    annotations, units, parts = {}, [], []
    for visit_key in visit_keys:
        window = visit_windows.visit_window(visit_key, end)
        births = visit_windows.births_overlapping(window, start, end)
        if not births:
            continue
        first, last = f"first_{visit_key}", f"last_{visit_key}"
        field = "child__date_of_birth"
        annotations[first] = per_child(births, lambda dob, w=window: w(dob)[0], field=field)
        annotations[last] = per_child(births, lambda dob, w=window: w(dob)[1], field=field)
        # An earlier well-child visit of the same child in the same window: then this one is
        # not "the" N-month visit. The window is at most `span` days long (a day more each side
        # for the time zone): a bounded range of the (child, starts_at…) index, where without
        # the lower bound every visit of the child was read.
        span = max((window(dob)[1] - window(dob)[0]).days for dob in births) + 2
        earlier = _well_visits(rules).filter(
            Q(starts_at__lt=OuterRef("starts_at")) | Q(pk__lt=OuterRef("pk")),
            child_id=OuterRef("child_id"),
            starts_at__lte=OuterRef("starts_at"),
            starts_at__gt=OuterRef("starts_at") - Value(timedelta(days=span)),
            day__gte=OuterRef(first),
        )
        in_window = Q(
            child__date_of_birth__range=(births[0], births[-1]),
            day__gte=F(first),
            day__lte=F(last),
        )
        opens, closes = (first, last) if around is None else ("s_first", "s_last")
        bounds = {
            "administered_on__gte": OuterRef(opens),
            "administered_on__lte": OuterRef(closes),
        }
        units.append(in_window & ~Q(Exists(earlier)))
        # Only rows that are units are flagged, so the window alone tells whose screen counts
        # (not the `earlier` test a second time).
        parts.append(
            CdepPart(visit_key, in_window, in_window & Q(Exists(screens.filter(**bounds))))
        )
    if not units:
        return Visit.objects.none(), []
    # The child was on the panel on the visit's day (docs/clinical-rules.md#measure-attribution).
    attributed = on_panel(OuterRef("day"), "child_id", practices=own_rows(practices))
    return visits.annotate(**annotations).filter(any_of(units), attributed), parts


# --- Caregiver depression by 6 months (after CMS82): rows are children -------------------------


def cdep_once(key: str, rules, practices, start: date, end: date):
    """cdep_once: the birth parent's screen (CMS82's mother); cdep_once_any: any caregiver's."""
    months = int(rules["cdep_once_months"])

    def anchor(dob: date) -> date:
        return visit_windows.months(dob, months)

    births = anchors.births_anchored_in(anchor, start, end)
    if not births:
        return Child.objects.none(), ""
    children = (
        Child.objects.filter(practice__in=practices, date_of_birth__range=(births[0], births[-1]))
        .annotate(
            anchor_day=per_child(births, anchor),
            before_anchor=per_child(births, lambda dob: anchor(dob) - ONE),
        )
        # On the panel on the 6-month birthday (docs/clinical-rules.md#measure-attribution).
        .filter(on_panel(OuterRef("anchor_day"), practices=own_rows(practices)))
    )
    visits = Visit.objects.filter(
        status=VisitStatus.COMPLETED, modality__in=rules["counted_modalities"]
    )
    if rules["cdep_once_visit_kinds"] is not None:
        visits = visits.filter(kind__in=rules["cdep_once_visit_kinds"])
    visit = visits.annotate(day=local_day("starts_at")).filter(
        child=OuterRef("pk"),
        day__gte=OuterRef("date_of_birth"),
        day__lte=OuterRef("before_anchor"),
    )
    screens = caregiver_screens(rules)
    if key == "cdep_once":  # as CMS82 specifies: the mother's (birth parent's) screen
        screens = screens.filter(caregiver__is_birth_parent=True)
    screened = screens.filter(
        child=OuterRef("pk"),
        administered_on__gte=OuterRef("date_of_birth"),
        administered_on__lte=OuterRef("anchor_day"),
    )
    return flagged(children.filter(Exists(visit)), Exists(screened)), ""


# --- Autism screening at 18 and 24 months: rows are children ------------------------------------


def asd(key: str, rules, practices, start: date, end: date):
    """Children whose 18- / 24-month birthday is in the period; screened in that visit's
    periodicity window (for the total: in the window of every birthday reached)."""
    children, parts = asd_parts(ASD_VISITS[key], rules, practices, start, end)
    if not parts:
        return Child.objects.none(), ""
    requirements = [~part.in_range | part.screened for part in parts]
    return flagged(children, all_of(requirements)), ""


@dataclass(frozen=True)
class AsdPart:
    visit_key: str
    in_range: Q  # the child's birthday for this visit falls in the period, on the panel
    screened: Q  # screened in this visit's window (false outside in_range)
    born: tuple[date, date]  # the dates of birth whose birthday falls in the period


def asd_parts(visit_keys, rules, practices, start: date, end: date):
    """(the children with any of the visits' birthdays in the period, one AsdPart per visit)."""
    screens = _scored(rules).filter(
        child=OuterRef("pk"), instrument_key__in=definitions.asd_instrument_keys(rules)
    )
    annotations, parts = {}, []
    for visit_key in visit_keys:
        birthday = partial(visit_windows.months, count=definitions.ASD_MONTHS[visit_key])
        births = anchors.births_anchored_in(birthday, start, end)
        if not births:
            continue
        window = visit_windows.visit_window(visit_key, end)
        first, last, anchor = f"first_{visit_key}", f"last_{visit_key}", f"anchor_{visit_key}"
        annotations[first] = per_child(births, lambda dob, w=window: w(dob)[0])
        annotations[last] = per_child(births, lambda dob, w=window: w(dob)[1])
        annotations[anchor] = per_child(births, birthday)
        screened = screens.filter(
            administered_on__gte=OuterRef(first), administered_on__lte=OuterRef(last)
        )
        # In range: the birthday falls in the period and the child was on the panel that day
        # (docs/clinical-rules.md#measure-attribution).
        in_range = Q(date_of_birth__range=(births[0], births[-1])) & Q(
            on_panel(OuterRef(anchor), practices=own_rows(practices))
        )
        parts.append(AsdPart(visit_key, in_range, Q(Exists(screened)), (births[0], births[-1])))
    if not parts:
        return Child.objects.none(), []
    children = Child.objects.filter(
        any_of([Q(date_of_birth__range=part.born) for part in parts]), practice__in=practices
    ).annotate(**annotations)
    return children.filter(any_of([part.in_range for part in parts])), parts


# --- Social needs (after HEDIS SNS-E): rows are children ----------------------------------------


def sns_screen_window(rules: dict, start: date, end: date) -> tuple[date, date]:
    return start, end - timedelta(days=int(rules["sns_screen_days_before_end"]))


def _seen(start: date, end: date, child: str) -> Exists:
    """The outer row's child (its `child` column) had a completed visit in the period."""
    # The sargable bound on starts_at prunes most visits before their local day is computed.
    visits = Visit.objects.filter(
        local_days("starts_at", start, end), child=OuterRef(child), status=VisitStatus.COMPLETED
    )
    return Exists(visits)


def sns_children(practices, start: date, end: date) -> QuerySet:
    # On the panel on the period's last day (docs/clinical-rules.md#measure-attribution).
    return Child.objects.filter(
        _seen(start, end, "pk"),
        on_panel(end, practices=own_rows(practices)),
        practice__in=practices,
    )


def _domain_screens(rules: dict, domain: str, start: date, end: date) -> QuerySet:
    first, last = sns_screen_window(rules, start, end)
    return _scored(rules).filter(
        instrument_key__in=definitions.sns_instruments_for(domain, rules),
        positive__isnull=False,
        administered_on__gte=first,
        administered_on__lte=last,
    )


def positive_for(screens: QuerySet, domain: str) -> QuerySet:
    return screens.annotate(domains_text=as_text("positive_domains")).filter(
        domains_text__contains=f'"{domain}"'
    )


def sns_screened(rules, domain: str, start: date, end: date) -> Exists:
    """The child (the outer row) was screened for the domain in the screening window."""
    return Exists(_domain_screens(rules, domain, start, end).filter(child=OuterRef("pk")))


def sns_screen(key: str, rules, practices, start: date, end: date):
    screened = sns_screened(rules, SNS_DOMAINS[key.split("_")[1]], start, end)
    return flagged(sns_children(practices, start, end), screened), ""


def sns_followup(key: str, rules, practices, start: date, end: date):
    domain = SNS_DOMAINS[key.split("_")[1]]
    positives = positive_for(_domain_screens(rules, domain, start, end), domain)
    followed = positives.filter(child=OuterRef("pk")).filter(_intervention(rules, domain))
    children = sns_children(practices, start, end).filter(pk__in=positives.values("child_id"))
    return flagged(children, Exists(followed)), ""


def _sns_instruments(rules, domains) -> list[str]:
    return sorted({key for d in domains for key in definitions.sns_instruments_for(d, rules)})


def _positive_in(rules, domain: str) -> Q:
    """The screen (the row) is an instrument of the domain and found the domain positive."""
    return Q(
        instrument_key__in=definitions.sns_instruments_for(domain, rules),
        domains_text__contains=f'"{domain}"',
    )


def sns_followup_screens(rules, practices, start: date, end: date) -> tuple[QuerySet, tuple]:
    """Every social-needs follow-up rate at once, from the positive screens (few) rather than
    the children seen in the period (many): one row per child with a positive screen in the
    screening window, with, per domain, `positive_<d>` (1 when any of the child's screens was
    positive for it) and `followed_<d>` (1 when such a screen was followed in time). Testing
    each child's screens per domain instead cost 6-9 correlated probes a child (3x the
    hand-written SQL, bench/measures_vs_sql.py); here each positive screen is read once and its
    follow-up looked up once per positive domain."""
    first, last = sns_screen_window(rules, start, end)
    domains = SNS_DOMAINS
    positive = {short: _positive_in(rules, domain) for short, domain in domains.items()}
    # The instruments first, so the JSON column is cast to text only on social-needs screens.
    screens = (
        _scored(rules)
        .filter(
            positive__isnull=False,
            administered_on__gte=first,
            administered_on__lte=last,
            instrument_key__in=_sns_instruments(rules, domains.values()),
        )
        .annotate(domains_text=as_text("positive_domains"))
        .filter(any_of(list(positive.values())))
        # The child was seen in the period and is on the panel on its last day, as sns_children.
        .filter(
            _seen(start, end, "child_id"),
            on_panel(end, "child_id", practices=own_rows(practices)),
            child__practice__in=practices,
        )
    )
    columns = {}
    for short, domain in domains.items():
        followed = positive[short] & _intervention(rules, domain)
        columns[f"positive_{short}"] = Max(Case(When(positive[short], then=1), default=0))
        columns[f"followed_{short}"] = Max(Case(When(followed, then=1), default=0))
    return screens.order_by().values("child_id").annotate(**columns), tuple(columns)


def _intervention(rules, domain: str) -> Q:
    """The screen (the outer row) was followed within sns_followup_days (by local calendar day)
    by a referral for the domain's needs or, when counted, an action of the plan on it."""
    from medhome.careplan.models import ActionStatus, PlanAction
    from medhome.referrals.models import Referral

    by = shift(OuterRef("administered_on"), int(rules["sns_followup_days"]))
    needs = tuple(rules["sns_intervention_needs"].get(domain, ()))
    referral = (
        Referral.objects.annotate(created_day=local_day("created_at"))
        .filter(child_id=OuterRef("child_id"), need__in=needs)
        .exclude(status__in=rules["sns_referral_statuses_excluded"])
        .filter(created_day__gte=OuterRef("administered_on"), created_day__lte=by)
    )
    intervention = Q(Exists(referral))
    if rules["sns_count_plan_actions"]:
        action = (
            PlanAction.objects.annotate(created_day=local_day("created_at"))
            .filter(screening_id=OuterRef("pk"))
            .exclude(status=ActionStatus.CANCELLED)
            .filter(created_day__gte=OuterRef("administered_on"), created_day__lte=by)
        )
        intervention |= Q(Exists(action))
    return intervention


BUILDERS = {
    **dict.fromkeys(CDEP_VISITS, cdep_visits),
    "cdep_once": cdep_once,
    "cdep_once_any": cdep_once,
    **dict.fromkeys(ASD_VISITS, asd),
    **{f"sns_{short}_screen": sns_screen for short in SNS_DOMAINS},
    **{f"sns_{short}_followup": sns_followup for short in SNS_DOMAINS},
}
