"""Small factory functions for the cast of actors: plain functions over the services and models.

Values are complete and valid by default; a test overrides only what it is about. The *_form_data
functions turn the same values into the POST payloads of the pages.
"""

from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from medhome.accounts.models import User
from medhome.accounts.roles import Capability, Role, capabilities_of
from medhome.core.actor import Actor
from medhome.families import services
from medhome.families.models import Caregiver, Child, Family
from medhome.families.services import Window
from medhome.practices.models import Membership, Network, Practice

PASSWORD = "a-long-test-passphrase-2026"


def make_network(name: str = "Commonwealth Pediatric QI Network") -> Network:
    return Network.objects.create(name=name)


def make_practice(name: str, *, network: Network | None = None, state: str = "MA") -> Practice:
    return Practice.objects.create(name=name, network=network, state=state)


def make_user(username: str, *, first_name: str = "", last_name: str = "", **extra: Any) -> User:
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=first_name,
        last_name=last_name,
        **extra,
    )


def make_membership(user: User, practice: Practice, role: str, **extra: Any) -> Membership:
    return Membership.objects.create(user=user, practice=practice, role=role, **extra)


def make_staff(
    username: str, practice: Practice, role: str, *, first_name: str, last_name: str
) -> User:
    user = make_user(username, first_name=first_name, last_name=last_name)
    make_membership(user, practice, role)
    return user


def actor_for(user: User | None, practice: Practice, role: str, request_id: str = "") -> Actor:
    return Actor(
        user=user,
        practice=practice,
        role=role,
        capabilities=capabilities_of(role),
        request_id=request_id,
    )


def registrar(practice: Practice) -> Actor:
    """The actor that sets the cast's families up (front desk registers families)."""
    return Actor(
        user=None,
        practice=practice,
        role=Role.FRONT_DESK,
        capabilities=frozenset({Capability.FAMILY_CREATE, Capability.FAMILY_EDIT}),
        request_id="factory",
    )


def child_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "legal_given_name": "Sofía",
        "legal_family_name": "García",
        "preferred_name": "",
        "date_of_birth": date(2023, 5, 17),
        "sex_at_birth": "female",
        "gender_identity": "",
        "pronouns": "",
        "mrn": "SG-100234",
        "race_ethnicity": ["hispanic"],
        "race_ethnicity_detail": "",
        "preferred_language": "es",
        "payer": "medicaid",
        "payer_member_id": "MA-77120044",
        "address_line1": "12 Meridian Street",
        "address_line2": "",
        "city": "Boston",
        "state": "MA",
        "zip_code": "02128",
        "has_special_health_care_needs": False,
        "primary_clinician": None,
        "gestational_age_weeks": None,
        "gestational_age_days": None,
    }
    values.update(overrides)
    return values


def caregiver_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "given_name": "Marisol",
        "family_name": "García",
        "relationship": "mother",
        "is_legal_guardian": True,
        "is_primary_contact": True,
        "phone": "+16175550142",
        "email": "",
        "preferred_language": "es",
        "needs_interpreter": True,
        "preferred_channel": "text",
        "availability_note": "",
        "has_transportation_barrier": False,
        "transportation_note": "",
        "culture_and_identity": "",
        "strengths": "",
    }
    values.update(overrides)
    return values


DEFAULT_WINDOWS = [
    Window(weekday=0, starts_at=time(17, 0), ends_at=time(19, 0)),
    Window(weekday=5, starts_at=time(9, 0), ends_at=time(12, 0)),
]


def register(
    practice: Practice,
    *,
    family_name: str = "García family",
    caregiver: dict[str, Any] | None = None,
    child: dict[str, Any] | None = None,
    windows: list[Window] | None = None,
    at: datetime | None = None,
) -> tuple[Family, Child, Caregiver]:
    child = child if child is not None else child_values()
    family, first_child = services.register_family(
        actor=registrar(practice),
        family_name=family_name,
        caregiver=caregiver if caregiver is not None else caregiver_values(),
        windows=DEFAULT_WINDOWS if windows is None else windows,
        child=child,
        at=at or timezone.now(),
        # On the panel from birth: a factory child without a membership would drop out of
        # every due list and measure (docs/clinical-rules.md#attribution).
        panel_from=child["date_of_birth"],
    )
    return family, first_child, family.caregivers.get()


def add_child(family: Family, *, panel_from: date | None = None, **overrides: Any) -> Child:
    """A child of the family, on the panel from birth unless `panel_from` says otherwise."""
    values = child_values(**overrides)
    return services.add_child(
        actor=registrar(family.practice),
        family=family,
        values=values,
        at=timezone.now(),
        panel_from=panel_from or values["date_of_birth"],
    )


def add_caregiver(family: Family, *, windows: list[Window] | None = None, **overrides: Any):
    return services.add_caregiver(
        actor=registrar(family.practice),
        family=family,
        values=caregiver_values(**overrides),
        windows=DEFAULT_WINDOWS if windows is None else windows,
        at=timezone.now(),
    )


# --- POST payloads of the pages ----------------------------------------------------------------


def _form_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, list):
        return value
    if hasattr(value, "pk"):
        return str(value.pk)
    return str(value)


def prefixed(values: dict[str, Any], prefix: str) -> dict[str, Any]:
    data = {}
    for field, value in values.items():
        if isinstance(value, bool) and not value:
            continue  # an unchecked checkbox is not sent
        data[f"{prefix}-{field}" if prefix else field] = _form_value(value)
    return data


def windows_form_data(windows: list[Window], *, prefix: str = "windows") -> dict[str, Any]:
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": str(len(windows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "14",
    }
    for index, window in enumerate(windows):
        data[f"{prefix}-{index}-weekday"] = str(window.weekday)
        data[f"{prefix}-{index}-starts_at"] = window.starts_at.strftime("%H:%M")
        data[f"{prefix}-{index}-ends_at"] = window.ends_at.strftime("%H:%M")
    return data


def child_form_data(*, version: int | None = None, **overrides: Any) -> dict[str, Any]:
    data = prefixed(child_values(**overrides), "child")
    if version is not None:
        data["child-version"] = str(version)
    return data


def child_form_data_of(child: Child, **overrides: Any) -> dict[str, Any]:
    """The edit form as the page shows it for `child`, with `overrides` typed in."""
    values = {field: getattr(child, field) for field in child_values()}
    values.update(overrides)
    data = prefixed(values, "child")
    data["child-version"] = str(child.version)
    return data


def caregiver_form_data(*, windows: list[Window] | None = None, **overrides: Any) -> dict[str, Any]:
    data = prefixed(caregiver_values(**overrides), "caregiver")
    data.update(windows_form_data(DEFAULT_WINDOWS if windows is None else windows))
    return data


PREFERENCE_FIELDS = [
    "phone",
    "email",
    "preferred_language",
    "needs_interpreter",
    "preferred_channel",
    "availability_note",
    "has_transportation_barrier",
    "transportation_note",
    "culture_and_identity",
    "strengths",
]


def preferences_form_data(
    caregiver: Caregiver, *, windows: list[Window] | None = None, **overrides: Any
) -> dict[str, Any]:
    values: dict[str, Any] = {field: getattr(caregiver, field) for field in PREFERENCE_FIELDS}
    values["phone"] = caregiver.phone.as_e164 if caregiver.phone else ""
    values.update(overrides)
    data = prefixed(values, "caregiver")
    data["caregiver-version"] = str(caregiver.version)
    if windows is None:
        windows = [Window(w.weekday, w.starts_at, w.ends_at) for w in caregiver.availability.all()]
    data.update(windows_form_data(windows))
    return data


def register_form_data(
    *,
    family_name: str = "García family",
    caregiver: dict[str, Any] | None = None,
    child: dict[str, Any] | None = None,
    windows: list[Window] | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {"family_name": family_name}
    data.update(prefixed(caregiver_values(**(caregiver or {})), "caregiver"))
    data.update(windows_form_data(DEFAULT_WINDOWS if windows is None else windows))
    data.update(prefixed(child_values(**(child or {})), "child"))
    return data


def screening_with_alert(child, caregiver, user) -> dict:
    """A tablet PHQ-9 in progress whose item 9 answer raised a critical alert."""
    from medhome.accounts.roles import capabilities_of
    from medhome.core import clock
    from medhome.core.actor import Actor
    from medhome.screening import services as screening

    role = user.memberships.get(practice=child.practice).role
    actor = Actor(user=user, practice=child.practice, role=role, capabilities=capabilities_of(role))
    administration = screening.start_administration(
        actor=actor,
        child=child,
        choice="phq9:caregiver",
        mode="tablet",
        caregiver=caregiver,
        override_reason="Parent asked to talk about mood",
        at=clock.now(),
    )
    administration = screening.save_answers(
        actor=actor,
        administration=administration,
        answers={"9": "LA6569-3"},
        submit=False,
        at=clock.now(),
    )
    link, _token = screening.create_link(
        actor=actor,
        child=child,
        instrument_keys=["phq9:caregiver"],
        caregiver=caregiver,
        language="en",
        channel="text",
        override_reason="Asked for it",
        at=clock.now(),
    )
    return {
        "administration": administration,
        "alert": administration.alerts.get(),
        "link": link,
        "step": next_step(administration),
    }


def next_step(administration, *, key: str = "talk_with_parent", kind: str = "caregiver_depression"):
    """A proposed next step of a positive screen on this administration (written directly: the
    sweeps need a step row, whatever the form's state)."""
    from medhome.core import clock
    from medhome.nextsteps.models import NextStep, PositiveScreen

    screen, _created = PositiveScreen.objects.get_or_create(
        administration=administration,
        defaults={
            "practice": administration.practice,
            "child": administration.child,
            "kind": kind,
            "confidential": administration.confidential,
            "found_at": clock.now(),
            "found_on": clock.today(),
        },
    )
    step, _created = NextStep.objects.get_or_create(
        positive_screen=screen, key=key, defaults={"practice": administration.practice}
    )
    return step


def schedule_visit(child, *, at: str, kind: str = "well_child"):
    from datetime import datetime

    from medhome.visits.models import Visit

    return Visit.objects.create(
        practice=child.practice,
        child=child,
        starts_at=datetime.fromisoformat(at),
        kind=kind,
        created_at=timezone.now(),
    )


def organization(name: str):
    import uuid as _uuid

    from medhome.directory.models import Organization

    return Organization.objects.create(id=_uuid.uuid4(), name=name)


def partner_user(username: str, organization_, *, first_name: str, last_name: str):
    from medhome.referrals.models import PartnerMembership

    user = make_user(username, first_name=first_name, last_name=last_name)
    PartnerMembership.objects.create(user=user, organization=organization_)
    return user


def sent_referral(
    child,
    caregiver,
    user,
    organization_,
    *,
    notes: str = "Evenings are best",
    shared_items: tuple[str, ...] = ("name", "contact", "language", "need", "notes"),
):
    """A food referral with the caregiver's consent to share `shared_items`, sent to
    `organization_`."""
    from medhome.accounts.roles import capabilities_of
    from medhome.core import clock
    from medhome.core.actor import Actor
    from medhome.referrals import services as referrals

    role = user.memberships.get(practice=child.practice).role
    actor = Actor(user=user, practice=child.practice, role=role, capabilities=capabilities_of(role))
    referral = referrals.start_referral(
        actor=actor,
        child=child,
        need="food",
        organization=organization_,
        priority="routine",
        reason="Ran out of food this month",
        at=clock.now(),
    )
    referrals.record_consent(
        actor=actor,
        referral=referral,
        caregiver=caregiver,
        shared_items=list(shared_items),
        notes_to_share=notes if "notes" in shared_items else "",
        method="verbal",
        at=clock.now(),
    )
    referrals.send(actor=actor, referral=referral, at=clock.now())
    referral.refresh_from_db()
    return referral


def follow_up_task(referral):
    from medhome.core import clock
    from medhome.tasks.services import open_task

    task, _created = open_task(
        practice=referral.practice,
        child=referral.child,
        kind="referral_no_response",
        details={"organization": referral.organization.name, "business_days": 3},
        due_at=clock.now(),
        source_type="referral",
        source_id=referral.pk,
        dedupe_key=f"referral:{referral.pk}:referral_no_response",
        at=clock.now(),
    )
    return task


def care_event(child, user):
    """An emergency-department visit entered by hand (flags the chart, opens a task)."""
    from medhome.accounts.roles import capabilities_of
    from medhome.core import clock
    from medhome.core.actor import Actor
    from medhome.events import services as events

    role = user.memberships.get(practice=child.practice).role
    actor = Actor(user=user, practice=child.practice, role=role, capabilities=capabilities_of(role))
    return events.record_event(
        actor=actor,
        child=child,
        kind="emergency",
        started_at=clock.now(),
        at=clock.now(),
        facility="Synthetic General ED",
    )


def panel_run(practice):
    """A finished panel spreadsheet upload with one refused row."""
    from medhome.core import clock
    from medhome.ehr.models import ImportKind, ImportProblem, ImportRun, ImportStatus

    run = ImportRun.objects.create(
        practice=practice,
        kind=ImportKind.CSV_PANEL,
        source_name="panel.csv",
        status=ImportStatus.DONE,
        started_at=clock.now(),
        counts={"imported": 1, "updated": 0, "unchanged": 0, "refused": {"x": 1}},
    )
    ImportProblem.objects.create(practice=practice, run=run, file="panel.csv", line=3, reason="x")
    return run


def waiting_ehr_message(practice):
    """An ADT A08 from the practice's EHR for a patient it does not know, waiting for a child
    (made-up person)."""
    import uuid

    from medhome.core import clock
    from medhome.events.models import InboundMessage, MessageStatus, Sender

    raw = "\r".join(
        [
            "MSH|^~\\&|EHR|CLINIC|MEDHOME|PEDS|20260313083000||ADT^A08^ADT_A01|W1|P|2.5.1",
            "EVN|A08|20260313083000",
            "PID|1||W-1^^^CLINIC^MR||Nobody^Waiting||20240102|M|||4 Elm St^^Boston^MA^02119",
        ]
    )
    return InboundMessage.objects.create(
        practice=practice,
        format="hl7v2",
        sender=Sender.EHR,
        raw=raw,
        idempotency_key=f"EHR|CLINIC|{uuid.uuid4()}",
        received_at=clock.now(),
        status=MessageStatus.UNMATCHED,
        message_type="A08",
    )


def sent_message(child, caregiver, tag: str = "m"):
    """A visit reminder sent to the family (messaging)."""
    from medhome.messaging.models import Message

    return Message.objects.create(
        practice=child.practice,
        caregiver=caregiver,
        child=child,
        kind="visit_reminder",
        channel="text",
        to_address="+16175550142",
        language="es",
        body="Recordatorio",
        idempotency_key=f"visit_reminder:{child.pk}:{tag}",
        status="sent",
        send_after=timezone.now(),
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )


def call_reminder(child, caregiver, visit):
    """A visit reminder not sent because the family prefers a call: on the phone-call list."""
    from medhome.core import clock
    from medhome.messaging.models import Message, MessageKind, MessageStatus

    now = clock.now()
    return Message.objects.create(
        practice=child.practice,
        caregiver=caregiver,
        child=child,
        visit=visit,
        kind=MessageKind.VISIT_REMINDER,
        channel="phone",
        language="en",
        body="A reminder.",
        idempotency_key=f"{MessageKind.VISIT_REMINDER}:{visit.pk}:1",
        status=MessageStatus.SUPPRESSED,
        error_code="no_channel",
        send_after=now,
        created_at=now,
        updated_at=now,
    )
