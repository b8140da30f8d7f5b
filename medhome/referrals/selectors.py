"""Reads of referrals, from the practice's side (scoped, 404) and the organization's side
(only referrals addressed to the actor's organization, sent, with the family's consent in
force — docs/clinical-rules.md#referral-consent)."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.directory.vocabulary import Need
from medhome.families.models import Caregiver, Child
from medhome.practices.scoping import scoped

from . import loop
from .models import PartnerMembership, Referral, ReferralConsent, ReferralQuerySet, SharedItem
from .states import Status

# Referrals reveal a family's social needs (safety among them): the care team that refers
# reads them, not every role that opens the chart.
READ = Capability.REFERRAL_SEND
_RELATED = ("child", "organization", "service", "created_by", "source_administration")


# --- practice side ----------------------------------------------------------------------------


def may_see_confidential(actor: Actor) -> bool:
    """The clinical team (screening.detail) opens an adolescent's own referral, labelled; a
    role that may not see confidential results sees only that one exists (§11)."""
    return actor.can(Capability.SCREENING_DETAIL)


def access_referral(actor: Actor, referral_id: UUID | str) -> Referral:
    try:
        referral = scoped(actor, Referral, need=READ).select_related(*_RELATED).get(pk=referral_id)
    except (Referral.DoesNotExist, ValueError, ValidationError) as missing:
        raise Http404 from missing
    if referral.is_confidential and not may_see_confidential(actor):
        raise Http404
    return referral


def referrals_of_child(actor: Actor, child: Child) -> QuerySet[Referral]:
    return (
        scoped(actor, Referral, need=READ)
        .filter(child=child)
        .select_related(*_RELATED)
        .order_by("-created_at")
    )


def practice_referrals(
    actor: Actor, *, status: str | None = None, need: str | None = None
) -> QuerySet[Referral]:
    referrals = scoped(actor, Referral, need=READ).select_related(*_RELATED)
    if status:
        referrals = referrals.filter(status=status)
    if need:
        referrals = referrals.filter(need=need)
    # By the date the list shows (sent), newest first; drafts, not sent yet, on top.
    return referrals.order_by(F("requested_at").desc(nulls_first=True), "-created_at")


def consent_of(referral: Referral) -> ReferralConsent | None:
    try:
        return ReferralConsent.objects.select_related("given_by_caregiver").get(
            referral_id=referral.pk
        )
    except ReferralConsent.DoesNotExist:
        return None


# --- the caregiver's side ---------------------------------------------------------------------


def family_visible_referrals(*, child: Child, caregiver: Caregiver) -> QuerySet[Referral]:
    """What one caregiver may see of the child's referrals, on every caregiver-facing surface
    (status page, print, link, message): sent referrals this caregiver consented to — never
    a partner-violence referral, never one that is the adolescent's own (security.md 11).

    Another caregiver's consent is not enough: a need one caregiver shared may concern the
    other (docs/clinical-rules.md#who-sees-results)."""
    if caregiver.practice_id != child.practice_id or caregiver.family_id != child.family_id:
        return Referral.objects.none()
    return (
        family_visible_to_consenting_caregivers()
        .filter(practice_id=child.practice_id, child=child, consent__given_by_caregiver=caregiver)
        .select_related("organization", "service")
        .order_by("-requested_at")
    )


def family_visible_to_consenting_caregivers() -> ReferralQuerySet:
    """family_visible_referrals for every caregiver at once (a sweep's set-based read): each
    referral is visible to the caregiver of the child's family whose consent it carries."""
    return Referral.objects.family_visible().filter(
        consent__given_by_caregiver__family_id=F("child__family_id"),
        consent__given_by_caregiver__practice_id=F("practice_id"),
    )


def is_shareable_with_family(referral: Referral) -> bool:
    """May this referral be shown, printed or sent to a caregiver at all?"""
    return Referral.objects.shareable_with_family().filter(pk=referral.pk).exists()


# --- organization side ------------------------------------------------------------------------


def has_active_partner_membership(user: Any, organization: Any) -> bool:
    if getattr(user, "pk", None) is None or getattr(organization, "pk", None) is None:
        return False
    return PartnerMembership.objects.filter(
        user__pk=user.pk, organization__pk=organization.pk, is_active=True, user__is_active=True
    ).exists()


def partner_organizations(user: Any) -> QuerySet[PartnerMembership]:
    """The organizations a user works for (to choose one, as staff choose a practice)."""
    user_pk = getattr(user, "pk", None)
    if user_pk is None:
        return PartnerMembership.objects.none()
    return PartnerMembership.objects.filter(
        user__pk=user_pk, user__is_active=True, is_active=True
    ).select_related("organization")


def partner_membership_of(user: Any) -> PartnerMembership | None:
    """The membership a user acts under (the first organization by name, if several)."""
    return partner_organizations(user).order_by("organization__name").first()


def partner_organization_of(user: Any) -> Any:
    """The organization a user works for (the first, by name, if several), or None."""
    membership = partner_membership_of(user)
    return membership.organization if membership else None


def actor_of_membership(membership: PartnerMembership, *, user: Any, request_id: str = "") -> Actor:
    """An organization's user acts with their membership's capabilities: an outside member of a
    care team (PartnerRole.CARE_TEAM) never answers the organization's referrals."""
    from medhome.accounts.roles import partner_capabilities_of

    return Actor(
        user=user,
        organization=membership.organization,
        role=f"partner_{membership.role}",
        capabilities=partner_capabilities_of(membership.role),
        request_id=request_id,
    )


def partner_actor(user: Any, organization: Any, *, request_id: str = "") -> Actor | None:
    """The Actor of a community organization's staff user, or None without a membership."""
    membership = partner_organizations(user).filter(organization_id=organization.pk).first()
    if membership is None:
        return None
    return actor_of_membership(membership, user=user, request_id=request_id)


def partner_referrals(actor: Actor) -> QuerySet[Referral]:
    """What the organization's staff may see: addressed to their organization, sent, not
    entered in error, consent in force and naming the organization. Revoking consent removes a
    referral from here at the next query — there is no cached grant."""
    if (
        not actor.is_partner
        or not actor.can(Capability.REFERRAL_RESPOND)
        or not has_active_partner_membership(actor.user, actor.organization)
    ):
        return Referral.objects.none()
    return (
        Referral.objects.filter(
            organization_id=actor.organization.pk,
            consent__organization_id=actor.organization.pk,
            consent__revoked_at__isnull=True,
        )
        .exclude(status__in=[Status.DRAFT, Status.ENTERED_IN_ERROR])
        .select_related("child", "organization", "service", "consent")
        .order_by("-requested_at")
    )


def access_partner_referral(actor: Actor, referral_id: UUID | str) -> Referral:
    try:
        return partner_referrals(actor).get(pk=referral_id)
    except (Referral.DoesNotExist, ValueError, ValidationError) as missing:
        raise Http404 from missing


@dataclass(frozen=True)
class PartnerView:
    """The consented minimum an organization sees of a referral — nothing else.

    Built from the child's name and age, the consenting caregiver's contact and language, the
    need, and the words the family agreed to share. Never screening answers, scores, bands,
    diagnoses, the team's own `reason` or `status_reason`, or the source screen.

    Contact for a SAFETY referral: docs/clinical-rules.md#safety-referrals forbids any channel the
    family has not marked safe, and families.Caregiver has no "safe channel" flag yet, so a safety
    referral shares no phone or e-mail at all (`contact_withheld` says why). An adolescent's own
    consent shares no caregiver contact either: the referral is confidential from the caregiver
    (docs/clinical-rules.md#adolescent-confidentiality).
    """

    referral_id: UUID
    version: int
    status: str
    status_label: str
    priority: str
    need: str
    need_label: str
    requested_at: datetime | None
    warm_handoff: bool
    service_name: str
    child_name: str
    child_age: str
    language: str
    needs_interpreter: bool | None
    contact_name: str
    contact_phone: str
    contact_email: str
    contact_channel: str
    contact_withheld: str
    notes_to_share: str
    outcome: str
    outcome_note: str
    shared_items: tuple[str, ...] = field(default_factory=tuple)


def age_words(born: date, on: date) -> str:
    months = (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)
    if months < 24:
        return ngettext("%(n)s month", "%(n)s months", months) % {"n": months}
    years = months // 12
    return ngettext("%(n)s year", "%(n)s years", years) % {"n": years}


def partner_view(referral: Referral, *, today: date | None = None) -> PartnerView:
    consent = consent_of(referral)
    items = frozenset(consent.shared_items if consent and consent.is_active else ())
    child = referral.child
    if SharedItem.NAME in items:
        child_name = f"{child.display_name} {child.legal_family_name}"
    else:
        # Not even a first name and an initial: with a need and a ZIP code that can be enough
        # to know the family. The number is what both sides quote to each other.
        child_name = _("Referral %(number)s") % {"number": referral.number}
    caregiver = consent.given_by_caregiver if consent else None
    contact = {"name": "", "phone": "", "email": "", "channel": ""}
    withheld = ""
    if SharedItem.CONTACT in items:
        if referral.need == Need.SAFETY:
            withheld = _(
                "Contact details are not shared for a safety referral: the family will reach "
                "you, or the practice will pass on a safe way."
            )
        elif caregiver is None:
            withheld = _(
                "The adolescent consented for themself; no caregiver contact is shared. "
                "Reach them through the practice."
            )
        else:
            contact = {
                "name": str(caregiver),
                "phone": str(caregiver.phone or ""),
                "email": caregiver.email,
                "channel": caregiver.get_preferred_channel_display(),
            }
    language, interpreter = "", None
    if SharedItem.LANGUAGE in items:
        if caregiver is not None:
            language, interpreter = caregiver.preferred_language, caregiver.needs_interpreter
        else:
            language = child.preferred_language
    return PartnerView(
        referral_id=referral.pk,
        version=referral.version,
        status=referral.status,
        status_label=str(referral.get_status_display()),
        priority=referral.priority,
        need=referral.need if SharedItem.NEED in items else "",
        need_label=str(referral.get_need_display()) if SharedItem.NEED in items else "",
        requested_at=referral.requested_at,
        warm_handoff=referral.warm_handoff,
        service_name=str(referral.service.name) if referral.service_id else "",  # type: ignore[union-attr]
        child_name=child_name,
        child_age=(
            age_words(child.date_of_birth, today or clock.today())
            if SharedItem.CHILD_AGE in items
            else ""
        ),
        language=language,
        needs_interpreter=interpreter,
        contact_name=contact["name"],
        contact_phone=contact["phone"],
        contact_email=contact["email"],
        contact_channel=contact["channel"],
        contact_withheld=withheld,
        notes_to_share=consent.notes_to_share if consent and SharedItem.NOTES in items else "",
        outcome=referral.outcome,
        outcome_note=referral.outcome_note,
        shared_items=tuple(sorted(items)),
    )


# --- loop figures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LoopRow:
    key: str
    label: str
    sent: int = 0
    accepted: int = 0
    completed: int = 0
    rejected: int = 0
    failed: int = 0
    cancelled: int = 0
    median_days_to_close: float | None = None


@dataclass(frozen=True)
class LoopFigures:
    start: date
    end: date
    total: LoopRow
    by_need: list[LoopRow]
    by_organization: list[LoopRow]


def _counts() -> dict[str, Any]:
    return {
        "sent": Count("id", distinct=True),
        # Accepted at any time (a referral accepted and then completed, failed or cancelled
        # still counts): read from the events, not the current state.
        "accepted": Count("id", distinct=True, filter=Q(events__to_status=Status.ACCEPTED)),
        # Closed and ended as loop.py defines them, by now: the same rule as the measures.
        "completed": Count("id", distinct=True, filter=loop.closed_by()),
        "rejected": Count("id", distinct=True, filter=loop.in_state_by(Status.REJECTED)),
        "failed": Count("id", distinct=True, filter=loop.in_state_by(Status.FAILED)),
        "cancelled": Count("id", distinct=True, filter=loop.in_state_by(Status.CANCELLED)),
    }


def loop_figures(actor: Actor, *, start: date, end: date) -> LoopFigures:
    """Referrals sent from `start` to `end` (inclusive, the practice's calendar) and how far
    each has come by now: a cohort by sending date. Who counts, what is closed and the days to
    close are loop.py's, which the loop-closure measures read too."""
    if not (actor.can(Capability.REFERRAL_SEND) or actor.can(Capability.DIRECTORY_CURATE)):
        raise PermissionDenied(_("You cannot see this practice's referral figures."))
    cohort = loop.sent(Referral.objects.for_practice(actor.practice), start, end)
    counts = _counts()
    total = cohort.aggregate(**counts)
    per_need = cohort.values("need").annotate(**counts).order_by("need")
    per_org = (
        cohort.values("organization_id", "organization__name")
        .annotate(**counts)
        .order_by("organization__name")
    )
    durations: dict[str, list[float]] = defaultdict(list)
    closed = cohort.filter(loop.closed_by()).values_list(
        "need", "organization_id", "requested_at", "closed_at"
    )
    for need, organization_id, requested_at, closed_at in closed:
        days = loop.days_to_close(requested_at, closed_at)
        durations["*"].append(days)
        durations[f"need:{need}"].append(days)
        durations[f"org:{organization_id}"].append(days)

    def row(key: str, label: str, values: dict[str, Any], median_key: str) -> LoopRow:
        return LoopRow(
            key=key,
            label=label,
            **{name: values[name] for name in counts},
            median_days_to_close=loop.median_days(durations.get(median_key, [])),
        )

    return LoopFigures(
        start=start,
        end=end,
        total=row("all", _("All referrals"), total, "*"),
        by_need=[
            row(r["need"], str(Need(r["need"]).label), r, f"need:{r['need']}") for r in per_need
        ],
        by_organization=[
            row(
                str(r["organization_id"]),
                str(r["organization__name"]),
                r,
                f"org:{r['organization_id']}",
            )
            for r in per_org
        ],
    )


# --- the family's summary ---------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceDetails:
    """What the directory knows of where to go (filled by the directory, when it has it)."""

    address: str = ""
    phone: str = ""
    email: str = ""
    url: str = ""
    hours: str = ""
    what_to_bring: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class FamilySummary:
    """What a printed or texted summary for the family needs (issue 4 §6).

    `confidential`: the adolescent's own (from their confidential screen, or they consented
    for themself) — never print or text this summary to a caregiver
    (docs/clinical-rules.md#adolescent-confidentiality).
    `shareable`: it may reach a caregiver at all (is_shareable_with_family: not the
    adolescent's own, not a safety referral).
    """

    referral_id: UUID
    organization_name: str
    service_name: str
    need: str
    need_label: str
    status: str
    status_label: str
    requested_at: datetime | None
    language: str
    details: ServiceDetails
    confidential: bool
    shareable: bool = False


def family_summary(
    referral: Referral, *, details: Callable[[Referral], ServiceDetails] | None = None
) -> FamilySummary:
    """The summary; `details` looks the organization/service up in the directory (address,
    phone, hours, required documents) — without it the summary carries the names only."""
    consent = consent_of(referral)
    caregiver = consent.given_by_caregiver if consent else None
    return FamilySummary(
        referral_id=referral.pk,
        organization_name=str(referral.organization.name),
        service_name=str(referral.service.name) if referral.service_id else "",  # type: ignore[union-attr]
        need=referral.need,
        need_label=str(referral.get_need_display()),
        status=referral.status,
        status_label=str(referral.get_status_display()),
        requested_at=referral.requested_at,
        language=(caregiver.preferred_language if caregiver else referral.child.preferred_language),
        details=details(referral) if details is not None else ServiceDetails(),
        confidential=referral.is_confidential or bool(consent and consent.given_by_adolescent),
        shareable=is_shareable_with_family(referral),
    )
