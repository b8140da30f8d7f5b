"""Synthetic programs that nurture parents (domain-reference §14; medhome/programs): every shipped
program running in the practice, and their histories written set-wise — Reach Out and Read books
at the well-child visits from 6 months to 5 years, DULCE for infants with the family specialist at
their visits (concrete supports carried by referrals of the loop, weekly case reviews, graduation
at 6 months), HealthySteps tiers 1–3 for children 0–3, VIP sessions for some, each community
health worker's caseload (due today, overdue, reached, not reached), declines with the family's
reasons. Home visiting and Help Me Grow run as partner programs (reached by referral).

Every row keeps the services' rules (programs/services.py): ages inside the program's eligibility
on the day of enrolment or of a universal program's contact, contacts dated from the enrolment to
its end and never after `today`, recorded by a role the program lists; the staff on a caseload
have a role that delivers the program. tests/test_programs.py checks them on the written rows.

INVENTED DATA with invented disparities (fewer books where the family's language is neither
English nor Spanish, or the child is uninsured) so the equity views show something; `load_demo`
says so. Pure given its inputs: the same children, visits, staff, rng and `today`, the same rows.
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from medhome.families.languages import COMMON_LANGUAGES
from medhome.families.models import Caregiver
from medhome.practices.models import Practice
from medhome.programs import definitions as d
from medhome.programs.models import Contact, Enrolment

from . import program_phrases as words
from .program_rows import Builder, ChildLike, Staff, ensure_programs, scheduled_visits
from .program_rows import well_child_visits as read_visits

# INVENTED rates (no source): the share of eligible children each program reaches.
BOOK_MISS = 0.1  # well-child visits from 6 months to 5 years without a book
BOOK_MISS_OTHER_LANGUAGE = 0.22  # more where the family's language is neither English nor Spanish
BOOK_MISS_UNINSURED = 0.1  # added for an uninsured child
BOOK_IN_FAMILY_LANGUAGE = {"en": 1.0, "es": 0.85}  # else English; other languages below
BOOK_IN_OTHER_LANGUAGE = 0.45
DULCE_ENROL, DULCE_DECLINE, DULCE_LEAVE = 0.82, 0.07, 0.04
HS_ENROL, HS_DECLINE, HS_TIER2, HS_TIER3 = 0.8, 0.04, 0.14, 0.05
VIP_OFFER, VIP_DECLINE = 0.16, 0.15
# A VIP family with no session at its visits for this long has left the program.
VIP_QUIET_DAYS = 182
SUPPORT_RATE = {"medicaid": 0.25, "chip": 0.2, "uninsured": 0.35}
SUPPORT_RATE_OTHER = 0.06
CASE_REVIEW_EVERY = 7  # DULCE's weekly case review (MEDHOME_PROGRAMS["dulce"] default)
RECENT_REVIEWS, REVIEW_MISSED = 6, 0.1  # the open families' last six weekly reviews
CHW_CASELOAD = 30  # families per community health worker
# Of a CHW's families (cumulative shares): contact due today, overdue, never contacted yet
# (overdue from the enrolment), reached lately, not reached at the last attempts, only offered.
CHW_STATES = ((0.13, "due_today"), (0.33, "overdue"), (0.4, "never"), (0.7, "recent"))
CHW_STATES_REST = ((0.9, "not_reached"), (1.0, "offered"))
CHW_DECLINES = 3
DULCE_TOPICS = ("feeding", "sleep", "crying_soothing", "parent_wellbeing", "family_needs")
HS_TOPICS = ("development", "behavior", "sleep", "positive_parenting", "early_learning")
SUPPORT_KEYS = tuple(d.SUPPORTS)


DULCE_END = d.months(6)  # graduation day: the last day of the program's eligibility
HS_END = d.years(3) - 1
VisitList = list[tuple[date, Any, int | None]]


class Programs(Builder):
    """The histories of one practice's programs, child after child."""

    def child(self, child: ChildLike, visits: VisitList, caregiver: Any, skip: bool) -> None:
        self.books(child, visits)
        if skip:  # the demo's story child: its DULCE and HealthySteps go through the services
            return
        if self.staff.specialists:
            specialist = self.rng.choice(self.staff.specialists)
            self.dulce(child, visits, caregiver, specialist)
            self.healthysteps(child, visits, caregiver, specialist)
            self.vip(child, visits, caregiver, specialist)

    def age(self, child: ChildLike, day: date) -> int:
        return (day - child.date_of_birth).days

    # --- Reach Out and Read: a book at most well-child visits from 6 months to 5 years ---------

    def books(self, child: ChildLike, visits: VisitList) -> None:
        program = self.programs["reach_out_and_read"]
        language = child.preferred_language
        miss = BOOK_MISS + (BOOK_MISS_UNINSURED if child.payer == "uninsured" else 0)
        if language not in ("en", "es"):
            miss = BOOK_MISS_OTHER_LANGUAGE + miss - BOOK_MISS
        for day, visit, clinician in visits:
            if not program.eligible_at(self.age(child, day)) or self.rng.random() < miss:
                continue
            giver = clinician if self.staff.roles.get(clinician or 0) in program.roles else None
            giver = giver or self.book_giver(program.roles)
            if giver is None:
                return
            keep = BOOK_IN_FAMILY_LANGUAGE.get(language, BOOK_IN_OTHER_LANGUAGE)
            book = language if language in COMMON_LANGUAGES and self.rng.random() < keep else "en"
            self.contact(
                "reach_out_and_read",
                child,
                None,
                "book_given",
                day,
                giver,
                visit=visit,
                book_language=book,
                topics=("early_learning",),
            )

    def book_giver(self, roles: list[str]) -> int | None:
        givers = [user for user, role in self.staff.roles.items() if role in roles]
        return self.rng.choice(sorted(givers)) if givers else None

    # --- DULCE: infants to 6 months, the family specialist at each well-child visit -----------

    def dulce(self, child: ChildLike, visits: VisitList, caregiver: Any, specialist: int) -> None:
        program = self.programs["dulce"]
        first = next((v for v in visits if program.eligible_at(self.age(child, v[0]))), None)
        if first is None or self.age(child, self.today) > DULCE_END + 120:
            return
        draw, start = self.rng.random(), first[0]
        if draw < DULCE_DECLINE:
            reason = self.rng.choice(
                words.DECLINE_REASONS[words.family_language(child.preferred_language)]
            )
            self.enrolment(
                "dulce",
                child,
                caregiver,
                status="declined",
                offered_on=start,
                by=specialist,
                ended_on=start,
                reason=reason,
                staff=specialist,
            )
            return
        if draw > DULCE_DECLINE + DULCE_ENROL:
            return  # not reached: the eligible-not-reached list shows them
        ended: date | None = child.date_of_birth + timedelta(days=DULCE_END)
        status, reason = "graduated", ""
        if ended is not None and ended > self.today:
            ended, status = None, "enrolled"
        later = [v[0] for v in visits if start < v[0] <= (ended or self.today)]
        if later and self.rng.random() < DULCE_LEAVE:
            ended, status, reason = later[0], "left", self.rng.choice(words.LEAVE_REASONS)
        enrolment = self.enrolment(
            "dulce",
            child,
            caregiver,
            status=status,
            offered_on=start,
            enrolled_on=start,
            ended_on=ended,
            reason=reason,
            by=specialist,
            staff=specialist,
        )
        last = ended or self.today
        rate = SUPPORT_RATE.get(child.payer, SUPPORT_RATE_OTHER)
        for day, visit, _clinician in visits:
            if day < start or day > last:
                continue
            topics = self.rng.sample(DULCE_TOPICS, 2)
            contact = self.contact(
                "dulce",
                child,
                enrolment,
                "dulce_visit",
                day,
                specialist,
                visit=visit,
                setting="clinic",
                topics=topics,
                strengths=self.rng.random() < 0.7,
                caregiver=caregiver,
            )
            if self.rng.random() < rate:
                support = self.rng.choice(SUPPORT_KEYS)
                self.support(child, contact, day, support, by=specialist, caregiver=caregiver)
                review = day + timedelta(days=self.rng.randint(1, CASE_REVIEW_EVERY))
                if review <= last:
                    self.contact(
                        "dulce",
                        child,
                        enrolment,
                        "dulce_case_review",
                        review,
                        specialist,
                        goals=self.rng.choice(words.CASE_REVIEW_DECISIONS),
                        topics=("benefits",),
                    )
        if status == "enrolled":
            self.weekly_reviews(child, enrolment, start, specialist)

    def weekly_reviews(
        self, child: ChildLike, enrolment: Any, start: date, specialist: int
    ) -> None:
        """An open DULCE family's last weeks of the team's review (Wednesdays, a week missed now
        and then), so the caseload and the review show a team that meets every week."""
        wednesday = self.today - timedelta(days=(self.today.weekday() - 2) % 7 or 7)
        for week in range(RECENT_REVIEWS):
            day = wednesday - timedelta(days=7 * week)
            if day < start:
                break
            if self.rng.random() < REVIEW_MISSED:
                continue
            self.contact(
                "dulce",
                child,
                enrolment,
                "dulce_case_review",
                day,
                specialist,
                goals=self.rng.choice(words.CASE_REVIEW_DECISIONS),
                topics=("family_needs",),
            )

    # --- HealthySteps: tier 1 for most children 0–3, tiers 2 and 3 for some -------------------

    def healthysteps(
        self, child: ChildLike, visits: VisitList, caregiver: Any, specialist: int
    ) -> None:
        program = self.programs["healthysteps"]
        eligible = [v for v in visits if program.eligible_at(self.age(child, v[0]))]
        if not eligible or self.age(child, self.today) > HS_END + 180:
            return
        draw, start = self.rng.random(), eligible[0][0]
        if draw < HS_DECLINE:
            reason = self.rng.choice(
                words.DECLINE_REASONS[words.family_language(child.preferred_language)]
            )
            self.enrolment(
                "healthysteps",
                child,
                caregiver,
                status="declined",
                offered_on=start,
                by=specialist,
                ended_on=start,
                reason=reason,
            )
            return
        if draw > HS_DECLINE + HS_ENROL:
            return
        ended: date | None = child.date_of_birth + timedelta(days=HS_END)
        status = "graduated"
        if ended is not None and ended > self.today:
            ended, status = None, "enrolled"
        last = ended or self.today
        draw = self.rng.random()
        tier = "3" if draw < HS_TIER3 else "2" if draw < HS_TIER3 + HS_TIER2 else "1"
        changed = eligible[min(len(eligible) - 1, self.rng.randint(0, 2))][0]
        on_caseload = specialist if tier != "1" else None
        enrolment = self.enrolment(
            "healthysteps",
            child,
            caregiver,
            status=status,
            offered_on=start,
            enrolled_on=start,
            tier="1",
            ended_on=ended,
            by=specialist,
            staff=on_caseload,
        )
        if tier == "1":
            return
        self.change(
            enrolment,
            changed,
            specialist,
            "enrolled",
            "enrolled",
            "1",
            tier,
            self.rng.choice(words.TIER_REASONS[tier]),
        )
        self.enrolments.rows[-1] = (
            self.enrolments.rows[-1][:5] + (tier,) + self.enrolments.rows[-1][6:]
        )
        day = changed
        for n in range(self.rng.randint(1, 3) if tier == "2" else 99):
            day += timedelta(days=0 if n == 0 else self.rng.randint(20, 45))
            if day > last:
                break
            setting = self.rng.choice(("clinic", "phone", "home"))
            self.contact(
                "healthysteps",
                child,
                enrolment,
                "hs_consult",
                day,
                specialist,
                setting=setting,
                topics=self.rng.sample(HS_TOPICS, 2),
                strengths=self.rng.random() < 0.6,
                caregiver=caregiver,
            )
        done = day + timedelta(days=30)
        if tier == "2" and done <= last:
            # Short-term support ends: back to tier 1, off the specialist's caseload.
            self.change(
                enrolment, done, specialist, "enrolled", "enrolled", "2", "1", words.TIER_DONE
            )
            row = list(self.enrolments.rows[-1])
            row[5], row[12] = "1", None
            self.enrolments.rows[-1] = tuple(row)
        if tier == "3":
            for visit_day, visit, _clinician in visits:
                if changed < visit_day <= last:
                    self.contact(
                        "healthysteps",
                        child,
                        enrolment,
                        "hs_team_visit",
                        visit_day,
                        specialist,
                        visit=visit,
                        setting="clinic",
                        topics=self.rng.sample(HS_TOPICS, 2),
                        strengths=True,
                        caregiver=caregiver,
                    )

    # --- VIP: a subset from birth, sessions at the well-child visits with the parent's goals ---

    def vip(self, child: ChildLike, visits: VisitList, caregiver: Any, specialist: int) -> None:
        program = self.programs["vip"]
        eligible = [v for v in visits if program.eligible_at(self.age(child, v[0]))]
        if (
            not eligible
            or self.age(child, eligible[0][0]) > d.years(3)
            or self.rng.random() > VIP_OFFER
        ):
            return
        start = eligible[0][0]
        language = words.family_language(child.preferred_language)
        if self.rng.random() < VIP_DECLINE:
            self.enrolment(
                "vip",
                child,
                caregiver,
                status="declined",
                offered_on=start,
                by=specialist,
                ended_on=start,
                reason=self.rng.choice(words.DECLINE_REASONS[language]),
            )
            return
        enrolment = self.enrolment(
            "vip",
            child,
            caregiver,
            status="enrolled",
            offered_on=start,
            enrolled_on=start,
            by=specialist,
            staff=specialist,
        )
        for day, visit, _clinician in eligible:
            self.contact(
                "vip",
                child,
                enrolment,
                "vip_session",
                day,
                specialist,
                visit=visit,
                setting="clinic",
                topics=("early_learning", "positive_parenting"),
                goals=self.rng.choice(words.GOALS[language]),
                strengths=True,
                caregiver=caregiver,
            )
        stopped = eligible[-1][0] + timedelta(days=VIP_QUIET_DAYS)
        if stopped < self.today:
            # No session at the visits for six months: the family stopped coming.
            self.change(
                enrolment, stopped, specialist, "enrolled", "left", "", "", words.VIP_STOPPED
            )
            row = list(self.enrolments.rows[-1])
            row[4], row[8], row[9] = "left", stopped, words.VIP_STOPPED
            self.enrolments.rows[-1] = tuple(row)

    # --- community health workers: each one's caseload, some due today, some overdue ----------

    def chw_caseloads(self, families: list[tuple[ChildLike, Any]]) -> None:
        """`families`: one child per family (the youngest) with its first caregiver."""
        weight = {
            child.id: 3.0
            if child.payer in ("medicaid", "uninsured") or child.preferred_language != "en"
            else 1.0
            for child, _caregiver in families
        }
        order = sorted(families, key=lambda row: self.rng.random() / weight[row[0].id])
        per = CHW_CASELOAD + CHW_DECLINES
        for index, chw in enumerate(self.staff.chws):
            mine = order[index * per : (index + 1) * per]
            for n, (child, caregiver) in enumerate(mine):
                if n >= CHW_CASELOAD:
                    start = self.today - timedelta(days=self.rng.randint(5, 90))
                    language = words.family_language(child.preferred_language)
                    self.enrolment(
                        "chw",
                        child,
                        caregiver,
                        status="declined",
                        offered_on=start,
                        ended_on=start,
                        by=chw,
                        staff=chw,
                        reason=self.rng.choice(words.DECLINE_REASONS[language]),
                    )
                    continue
                share = (n + 0.5) / CHW_CASELOAD
                state = next(s for upper, s in (*CHW_STATES, *CHW_STATES_REST) if share < upper)
                self.chw_family(child, caregiver, chw, state)

    def chw_family(self, child: ChildLike, caregiver: Any, chw: int, state: str) -> None:
        rng, today = self.rng, self.today
        if state == "offered":
            self.enrolment(
                "chw",
                child,
                caregiver,
                status="offered",
                by=chw,
                staff=chw,
                offered_on=today - timedelta(days=rng.randint(0, 6)),
            )
            return
        every = self.programs["chw"].contact_every_days or 14
        if state == "never":
            start = today - timedelta(days=rng.randint(2, 9))
        else:
            start = max(child.date_of_birth, today - timedelta(days=rng.randint(45, 240)))
        enrolment = self.enrolment(
            "chw",
            child,
            caregiver,
            status="enrolled",
            offered_on=start,
            enrolled_on=start,
            by=chw,
            staff=chw,
        )
        if state == "never":
            return
        last = {
            "due_today": today - timedelta(days=every),
            "overdue": today - timedelta(days=every + rng.randint(4, 40)),
            "recent": today - timedelta(days=rng.randint(0, every - 3)),
            "not_reached": today - timedelta(days=rng.randint(1, 8)),
        }[state]
        last = max(last, start)
        days = [last]
        while (earlier := days[-1] - timedelta(days=rng.randint(8, 18))) >= start:
            days.append(earlier)
        for n, day in enumerate(reversed(days)):
            final = n == len(days) - 1
            if (final and state == "not_reached") or (
                n == len(days) - 2 and state == "not_reached"
            ):
                outcome = rng.choice(("not_reached", "left_message", "wrong_number"))
                self.contact(
                    "chw",
                    child,
                    enrolment,
                    "chw_outreach",
                    day,
                    chw,
                    setting="phone",
                    outcome=outcome,
                )
            elif rng.random() < 0.35:
                self.contact(
                    "chw",
                    child,
                    enrolment,
                    "chw_visit",
                    day,
                    chw,
                    setting=rng.choice(("home", "community")),
                    topics=("family_needs",),
                    strengths=rng.random() < 0.5,
                    caregiver=caregiver,
                    note=rng.choice(words.CHW_NOTES),
                )
            else:
                outcome = "reached" if final or rng.random() < 0.7 else "left_message"
                self.contact(
                    "chw",
                    child,
                    enrolment,
                    "chw_outreach",
                    day,
                    chw,
                    setting=rng.choice(("phone", "text")),
                    outcome=outcome,
                    note=rng.choice(words.CHW_NOTES) if outcome == "reached" else "",
                )


def first_caregivers(practice: Practice) -> dict[Any, Any]:
    found: dict[Any, Any] = {}
    rows = Caregiver.objects.filter(practice=practice).order_by(
        "family_id", "-is_primary_contact", "pk"
    )
    for family_id, caregiver_id in rows.values_list("family_id", "pk").iterator(chunk_size=5000):
        found.setdefault(family_id, caregiver_id)
    return found


def add_programs(
    practice: Practice,
    children: Iterable[ChildLike],
    today: date,
    rng: Random,
    *,
    staff: Staff | None = None,
    organizations: dict[str, Any] | None = None,
    skip: frozenset = frozenset(),
    at: datetime | None = None,
) -> dict[str, int]:
    """Run every shipped program in the practice and write the children's program histories at
    their well-child visits (read from the database; a practice with none gets the days of the
    windows it would have kept, without visit rows). `staff` defaults to the practice's
    memberships: without a family specialist no DULCE, HealthySteps or VIP; without a CHW no
    caseload. `organizations`: need -> organization id for the concrete supports' referrals.
    `skip`: children whose enrolments come from elsewhere (the demo's story). A practice that
    already has program enrolments or contacts is left alone. Returns rows written per table."""
    zone = ZoneInfo(settings.TIME_ZONE)
    programs = ensure_programs(practice, at=at or datetime.combine(today, time(8), zone), rng=rng)
    if (
        Contact.objects.filter(practice=practice).exists()
        or Enrolment.objects.filter(practice=practice).exists()
    ):
        return {}
    staff = staff or Staff.of(practice)
    out = Programs(practice, programs, staff, today, rng, organizations or {})
    visits = read_visits(practice, today)
    synthesize = not visits
    caregivers = first_caregivers(practice)
    youngest: dict[Any, ChildLike] = {}
    for child in sorted(children, key=lambda c: str(c.id)):
        if child.date_of_birth > today:
            continue
        days = (
            scheduled_visits(child.date_of_birth, today, rng)
            if synthesize
            else visits.get(child.id, [])
        )
        out.child(child, days, caregivers.get(child.family_id), child.id in skip)
        known = youngest.get(child.family_id)
        if child.id not in skip and (known is None or child.date_of_birth > known.date_of_birth):
            youngest[child.family_id] = child
    families = [
        (c, caregivers.get(c.family_id))
        for _f, c in sorted(youngest.items(), key=lambda r: str(r[0]))
    ]
    out.chw_caseloads(families)
    return out.flush()
