"""Per-child (per-visit) reference for the screening measures, read as definitions.py states
them, one child at a time in plain Python. Slow on purpose; the tests check the set-based
builders (screening_measures.py) give the same units."""

from collections import defaultdict
from datetime import date, timedelta

from medhome.core import clock
from medhome.families.models import Caregiver
from medhome.measures import definitions, reference_attribution, visit_windows
from medhome.screening.models import Administration
from medhome.visits.models import Visit

CDEP = {key: visits for key, _, visits in definitions.CDEP_VISITS}
ASD = {key: visits for key, _, visits in definitions.ASD_VISITS}
SNS = dict(definitions.SNS_DOMAINS)
SNS_KEYS = frozenset(f"sns_{short}_{rate}" for short in SNS for rate in ("screen", "followup"))
KEYS = frozenset({*CDEP, "cdep_once", "cdep_once_any", *ASD}) | SNS_KEYS


def _admins(rules: dict, ids) -> dict:
    found = defaultdict(list)
    for admin in Administration.objects.filter(child_id__in=ids):
        if admin.status == rules["screening_status"] and admin.administered_on is not None:
            found[admin.child_id].append(admin)
    return found


def _visits(ids) -> dict:
    found = defaultdict(list)
    for visit in Visit.objects.filter(child_id__in=ids):
        found[visit.child_id].append(visit)
    for visits in found.values():
        visits.sort(key=lambda v: (v.starts_at, v.pk))
    return found


def _is_well(rules: dict, visit) -> bool:
    return (
        visit.kind in rules["well_visit_kinds"]
        and visit.status == rules["well_visit_status"]
        and visit.modality in rules["counted_modalities"]
    )


def compute(key: str, rules: dict, children: list, start: date, end: date):
    ids = [child.pk for child in children]
    admins, visits = _admins(rules, ids), _visits(ids)
    spans = reference_attribution.spans_of(ids)

    def on_panel(child, day: date) -> bool:
        return reference_attribution.on_panel(spans, child.pk, day)

    numerator, denominator = [], []

    if key in CDEP:
        keys = set(definitions.cdep_instrument_keys(rules))
        respondents = set(rules["cdep_respondents"])
        around = rules["cdep_screen_days_from_visit"]
        windows = {vk: visit_windows.visit_window(vk, end) for vk in CDEP[key]}
        for child in children:
            screens = [
                a.administered_on
                for a in admins[child.pk]
                if a.instrument_key in keys and a.respondent in respondents
            ]
            for visit_key in CDEP[key]:
                first, last = windows[visit_key](child.date_of_birth)
                in_window = [
                    v
                    for v in visits[child.pk]
                    if _is_well(rules, v) and first <= clock.local_date(v.starts_at) <= last
                ]
                if not in_window:
                    continue
                the_visit = in_window[0]  # the child's N-month visit: the first in the window
                day = clock.local_date(the_visit.starts_at)
                if not start <= day <= end or not on_panel(child, day):
                    continue
                denominator.append(the_visit.pk)
                if around is not None:
                    first = day - timedelta(days=around)
                    last = day + timedelta(days=around)
                if any(first <= s <= last for s in screens):
                    numerator.append(the_visit.pk)

    elif key in ("cdep_once", "cdep_once_any"):
        keys = set(definitions.cdep_instrument_keys(rules))
        respondents = set(rules["cdep_respondents"])
        # CMS82 counts the mother's screen: the caregiver recorded as a birth parent.
        birth_parents = set(
            Caregiver.objects.filter(family__children__in=ids, is_birth_parent=True).values_list(
                "pk", flat=True
            )
        )
        kinds = rules["cdep_once_visit_kinds"]
        for child in children:
            dob = child.date_of_birth
            six = visit_windows.months(dob, rules["cdep_once_months"])
            if not start <= six <= end or not on_panel(child, six):
                continue
            seen = any(
                v.status == "completed"
                and v.modality in rules["counted_modalities"]
                and (kinds is None or v.kind in kinds)
                and dob <= clock.local_date(v.starts_at) < six
                for v in visits[child.pk]
            )
            if not seen:
                continue
            denominator.append(child.pk)
            if any(
                a.instrument_key in keys
                and a.respondent in respondents
                and (key == "cdep_once_any" or a.caregiver_id in birth_parents)
                and dob <= a.administered_on <= six
                for a in admins[child.pk]
            ):
                numerator.append(child.pk)

    elif key in ASD:
        keys = set(definitions.asd_instrument_keys(rules))
        window_of = {vk: visit_windows.visit_window(vk, end) for vk in ASD[key]}
        for child in children:
            dob = child.date_of_birth
            birthdays = {
                vk: visit_windows.months(dob, definitions.ASD_MONTHS[vk]) for vk in ASD[key]
            }
            reached = [
                vk for vk, day in birthdays.items() if start <= day <= end and on_panel(child, day)
            ]
            if not reached:
                continue
            denominator.append(child.pk)
            screens = [a.administered_on for a in admins[child.pk] if a.instrument_key in keys]
            bounds = [window_of[vk](dob) for vk in reached]
            if all(any(opens <= s <= closes for s in screens) for opens, closes in bounds):
                numerator.append(child.pk)

    elif key in SNS_KEYS:
        domain = SNS[key.split("_")[1]]
        instruments = set(definitions.sns_instruments_for(domain, rules))
        first = start
        last = end - timedelta(days=rules["sns_screen_days_before_end"])
        for child in children:
            if not on_panel(child, end) or not any(
                v.status == "completed" and start <= clock.local_date(v.starts_at) <= end
                for v in visits[child.pk]
            ):
                continue
            screens = [
                a
                for a in admins[child.pk]
                if a.instrument_key in instruments
                and a.positive is not None
                and first <= a.administered_on <= last
            ]
            if key.endswith("_screen"):
                denominator.append(child.pk)
                if screens:
                    numerator.append(child.pk)
                continue
            positives = [a for a in screens if domain in (a.positive_domains or [])]
            if not positives:
                continue
            denominator.append(child.pk)
            if any(_intervened(rules, child, domain, a) for a in positives):
                numerator.append(child.pk)
    else:
        raise KeyError(key)
    return numerator, denominator


def _intervened(rules: dict, child, domain: str, screen) -> bool:
    from medhome.careplan.models import PlanAction
    from medhome.referrals.models import Referral

    first = screen.administered_on
    last = first + timedelta(days=rules["sns_followup_days"])
    needs = set(rules["sns_intervention_needs"].get(domain, ()))
    for referral in Referral.objects.filter(child=child):
        if (
            referral.need in needs
            and referral.status not in rules["sns_referral_statuses_excluded"]
            and first <= clock.local_date(referral.created_at) <= last
        ):
            return True
    if rules["sns_count_plan_actions"]:
        for action in PlanAction.objects.filter(screening=screen):
            if (
                action.status != "cancelled"
                and first <= clock.local_date(action.created_at) <= last
            ):
                return True
    return False
