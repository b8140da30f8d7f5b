"""The check-in after a hospital stay: which stays plan one, when, from whom, and the last-moment
check (a retracted stay, a child who left the panel, the 2 business days gone)."""

from datetime import date, datetime, timedelta

import pytest

from medhome.accounts.roles import Role
from medhome.careplan import services as plans
from medhome.events import services as events
from medhome.events.models import CareEvent
from medhome.families.models import PanelMembership
from medhome.jobs import registry
from medhome.messaging.gateways import locmem
from medhome.messaging.models import Message, MessageKind, MessageStatus
from medhome.messaging.services.check_ins import check_in_moment, plan_discharge_check_ins
from medhome.messaging.services.sending import send_due_messages
from medhome.practices.calendar import default_calendar
from tests import factories

from .helpers import AT, ZONE, consent, family

pytestmark = pytest.mark.django_db
# Home on Monday 9 March 2026 at 8 am: checked in on Tuesday at 10.
HOME = AT.replace(hour=8)
TUESDAY_10 = datetime(2026, 3, 10, 10, 0, tzinfo=ZONE)
TODDLER = date(2024, 2, 1)


def _actor(user, practice, role=Role.CARE_COORDINATOR):
    return factories.actor_for(user, practice, role)


def _stay(child, user, *, kind="discharge", started=None, ended=HOME, at=HOME):
    return events.record_event(
        actor=_actor(user, child.practice),
        child=child,
        kind=kind,
        started_at=started or ended - timedelta(days=2),
        ended_at=ended,
        facility="Synthetic Children's Hospital",
        at=at,
    )


def _home_child(practice, **caregiver):
    child, caregiver_ = family(practice, born=TODDLER, windows=[], **caregiver)
    consent(caregiver_, "text")
    return child, caregiver_


def test_a_discharge_plans_one_team_check_in_for_the_next_business_morning(
    practice_a, coordinator, django_assert_max_num_queries
):
    child, caregiver = _home_child(practice_a)
    event = _stay(child, coordinator)

    with django_assert_max_num_queries(20):
        first = plan_discharge_check_ins(practice=practice_a, at=AT)
    again = plan_discharge_check_ins(practice=practice_a, at=AT + timedelta(hours=1))

    assert (first.created, again.created) == (1, 0)
    message = Message.objects.get()
    assert (message.kind, message.caregiver, message.child) == (
        MessageKind.DISCHARGE_CHECK_IN,
        caregiver,
        child,
    )
    assert message.idempotency_key == f"discharge_check_in:{event.pk}"
    assert message.subject_id == str(event.pk)
    assert message.send_after == TUESDAY_10
    assert "equipo de cuidado de su hijo/a" in message.body  # no coordinator on the team
    assert "Synthetic" not in message.body and "hospital" not in message.body.lower()
    assert "Sofía" not in message.body and message.link_purpose == ""


def test_the_care_coordinator_on_the_team_signs_it_by_first_name(
    practice_a, coordinator, clinician_a
):
    child, _caregiver = _home_child(practice_a, preferred_language="en")
    actor = _actor(coordinator, practice_a)
    plan = plans.ensure_plan(actor=actor, child=child, at=AT)
    # A pediatrician on the team is not the coordinator, even listed first.
    plans.add_team_member(
        actor=actor, plan=plan, kind="staff", user=clinician_a, role_label="Doctor", at=AT
    )
    plans.add_team_member(
        actor=actor, plan=plan, kind="staff", user=coordinator, role_label="Coordinator", at=AT
    )
    _stay(child, coordinator)

    plan_discharge_check_ins(practice=practice_a, at=AT)

    body = Message.objects.get().body
    assert "this is Priya, your family's care coordinator" in body
    assert "Ramanathan" not in body and "Amara" not in body


@pytest.mark.parametrize(
    ("home", "expected"),
    [
        # Friday evening → Monday 10:00; Monday 8:00 → Tuesday (4 hours later is past 10:00);
        # Monday 1:00 → Monday 10:00; Thursday 16:00 before Good Friday → Monday.
        (datetime(2026, 3, 6, 18, 0, tzinfo=ZONE), datetime(2026, 3, 9, 10, 0, tzinfo=ZONE)),
        (HOME, TUESDAY_10),
        (AT.replace(hour=1), AT.replace(hour=10)),
        (datetime(2026, 4, 2, 16, 0, tzinfo=ZONE), datetime(2026, 4, 6, 10, 0, tzinfo=ZONE)),
    ],
)
def test_the_check_in_moment_is_the_next_business_morning(home, expected):
    calendar = default_calendar(holidays=["2026-04-03"])
    assert check_in_moment(home, calendar) == expected


def test_an_ended_ed_visit_plans_one_an_open_one_does_not(practice_a, coordinator):
    child, _caregiver = _home_child(practice_a)
    still_there = _stay(child, coordinator, kind="emergency", started=HOME, ended=None)

    assert plan_discharge_check_ins(practice=practice_a, at=AT).created == 0

    CareEvent.objects.filter(pk=still_there.pk).update(ended_at=HOME + timedelta(minutes=30))
    assert plan_discharge_check_ins(practice=practice_a, at=AT).created == 1


def test_a_child_back_in_hospital_waits_for_that_stays_discharge(practice_a, coordinator):
    child, _caregiver = _home_child(practice_a)
    _stay(child, coordinator, kind="emergency", started=HOME - timedelta(hours=3), ended=HOME)
    admission = _stay(child, coordinator, kind="admission", started=HOME, ended=None)

    assert plan_discharge_check_ins(practice=practice_a, at=AT).created == 0

    later = AT + timedelta(days=1)
    CareEvent.objects.filter(pk=admission.pk).update(ended_at=later - timedelta(hours=1))
    assert plan_discharge_check_ins(practice=practice_a, at=later).created == 1
    assert Message.objects.get().subject_id == str(admission.pk)


def test_two_stays_in_the_window_make_one_check_in(practice_a, coordinator):
    child, _caregiver = _home_child(practice_a)
    latest = _stay(
        child, coordinator, kind="emergency", started=HOME - timedelta(days=1), ended=HOME
    )
    _stay(child, coordinator, ended=HOME - timedelta(hours=2))

    assert plan_discharge_check_ins(practice=practice_a, at=AT).created == 1
    assert Message.objects.get().subject_id == str(latest.pk)  # the latest homecoming's
    assert plan_discharge_check_ins(practice=practice_a, at=AT + timedelta(hours=1)).created == 0


@pytest.mark.parametrize(
    "case", ["retracted", "off_panel", "adolescent", "unmatched", "too_old", "other_kind"]
)
def test_stays_that_plan_no_check_in(practice_a, coordinator, case):
    born = date(2012, 1, 5) if case == "adolescent" else TODDLER
    child, _caregiver = family(practice_a, born=born, windows=[])
    kind = "specialist_visit" if case == "other_kind" else "discharge"
    ended = HOME - timedelta(days=4) if case == "too_old" else HOME
    event = _stay(child, coordinator, kind=kind, ended=ended)
    if case == "retracted":
        CareEvent.objects.filter(pk=event.pk).update(retracted=True)
    if case == "off_panel":
        PanelMembership.objects.filter(child=child).update(ends_on=HOME.date())
    if case == "unmatched":
        CareEvent.objects.filter(pk=event.pk).update(child=None)

    assert plan_discharge_check_ins(practice=practice_a, at=AT).created == 0
    assert not Message.objects.exists()


def test_another_practices_stays_are_not_planned_here(practice_a, practice_b, clinician_b):
    child, _caregiver = _home_child(practice_b)
    _stay(child, clinician_b)
    assert plan_discharge_check_ins(practice=practice_a, at=AT).created == 0
    assert plan_discharge_check_ins(practice=practice_b, at=AT).created == 1


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("retract", "event_retracted"),
        ("cancel_discharge", "event_retracted"),
        ("leave_panel", "not_on_panel"),
        (None, ""),
    ],
)
def test_the_sender_checks_the_stay_again(practice_a, coordinator, change, reason):
    child, _caregiver = _home_child(practice_a)
    event = _stay(child, coordinator, kind="admission")
    plan_discharge_check_ins(practice=practice_a, at=AT)
    if change == "retract":
        CareEvent.objects.filter(pk=event.pk).update(retracted=True)
    if change == "cancel_discharge":  # A13 on an admission: the child did not go home
        CareEvent.objects.filter(pk=event.pk).update(ended_at=None)
    if change == "leave_panel":
        PanelMembership.objects.filter(child=child).update(ends_on=HOME.date())

    sent = send_due_messages(at=TUESDAY_10)

    message = Message.objects.get()
    assert (sent, message.error_code) == (0 if reason else 1, reason)
    assert message.status == (MessageStatus.SUPPRESSED if reason else MessageStatus.SENT)
    if not reason:
        [text] = locmem.outbox
        assert "Responda STOP" in text.text.body


def test_a_check_in_held_past_the_two_business_days_is_not_sent(practice_a, coordinator):
    child, _caregiver = _home_child(practice_a)
    _stay(child, coordinator)
    plan_discharge_check_ins(practice=practice_a, at=AT)

    assert send_due_messages(at=datetime(2026, 3, 11, 9, 0, tzinfo=ZONE)) == 0
    assert Message.objects.get().error_code == "too_late"


def test_the_sweep_is_on_the_workers_schedule(practice_a, coordinator):
    child, _caregiver = _home_child(practice_a)
    _stay(child, coordinator)
    job = registry.get("messaging.plan_discharge_check_ins")
    assert job.every == timedelta(hours=1)
    assert job.run(now=AT) == 1


@pytest.mark.parametrize(
    ("then", "reason"), [("A11", "event_retracted"), ("A13", "event_retracted"), (None, "")]
)
def test_through_the_hospital_feed_a_cancellation_stops_the_check_in(
    practice_a, child_a, caregiver_a, then, reason
):
    consent(caregiver_a, "text")
    feed = "MSH|^~\\&|EPIC|MERCYHOSP|MEDHOME|PEDS|20260313083000||ADT^{0}^ADT_A01|{1}|P|2.5.1"
    received = datetime(2026, 3, 13, 13, 0, tzinfo=ZONE)  # Friday, after the discharge
    for event_type, control, end in [("A01", "M1", ""), ("A03", "M2", "20260313120000")]:
        events.receive_hl7(
            practice=practice_a, raw=_adt(feed, event_type, control, end), at=received
        )
    assert plan_discharge_check_ins(practice=practice_a, at=received).created == 1
    if then:
        events.receive_hl7(
            practice=practice_a, raw=_adt(feed, then, "M3", ""), at=received + timedelta(hours=1)
        )

    monday_evening = datetime(2026, 3, 16, 17, 30, tzinfo=ZONE)  # the family's window
    sent = send_due_messages(at=monday_evening)

    assert (sent, Message.objects.get().error_code) == (0 if reason else 1, reason)


def _adt(msh: str, event_type: str, control: str, end: str) -> str:
    pv1 = ["PV1", "1", "I", "4W^^^MERCY"] + [""] * 15 + ["IP9"] + [""] * 24
    return "\r".join(
        [
            msh.format(event_type, control),
            f"EVN|{event_type}|20260313083000",
            "PID|1||SG-100234^^^MERCY^MR||García^Sofía||20230517|F",
            "|".join([*pv1, "20260311083000", end]),
        ]
    )
