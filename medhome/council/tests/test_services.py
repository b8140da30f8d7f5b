"""The council's rules: who may write, each validation message, every allowed and refused status
move, the answer needed to finish, and the history."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.council import services
from medhome.council.models import (
    Compensation,
    Meeting,
    MeetingAttendance,
    Recommendation,
    RecommendationChange,
    RecommendationText,
)
from medhome.council.models import RecommendationStatus as S
from medhome.council.states import TRANSITIONS
from tests import council_factories as cf
from tests import factories

from .conftest import AT, TODAY

pytestmark = pytest.mark.django_db


def _messages(refused: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return refused.value.message_dict


# --- who may write ----------------------------------------------------------------------------


def test_a_clinician_without_council_manage_cannot_start_a_council(staff_a, practice_a):
    clinician = factories.actor_for(staff_a[Role.PEDIATRICIAN], practice_a, Role.PEDIATRICIAN)

    with pytest.raises(PermissionDenied):
        services.start_council(
            actor=clinician, name="Voices", network_wide=False, started_on=TODAY, at=AT
        )


def test_another_practice_of_the_network_cannot_change_a_network_council(
    practice_a, practice_b, staff_a
):
    network_council = cf.council(practice_b, name="Network council", network_wide=True)
    partner_a = factories.actor_for(staff_a[Role.PARENT_PARTNER], practice_a, Role.PARENT_PARTNER)

    with pytest.raises(PermissionDenied):
        services.raise_recommendation(
            actor=partner_a,
            council=network_council,
            raised_on=TODAY,
            meeting=None,
            raised_by=[],
            texts=[services.Text("en", "Evening hours")],
            today=TODAY,
            at=AT,
        )


def test_a_network_wide_council_needs_a_network(staff_a):
    alone = factories.make_practice("Solo Pediatrics")
    user = staff_a[Role.PARENT_PARTNER]
    factories.make_membership(user, alone, Role.PARENT_PARTNER)
    actor = factories.actor_for(user, alone, Role.PARENT_PARTNER)

    with pytest.raises(ValidationError) as refused:
        services.start_council(actor=actor, name="V", network_wide=True, started_on=TODAY, at=AT)

    assert _messages(refused) == {
        "network_wide": ["This practice is not part of a network: the council is its own."]
    }


def test_a_council_needs_a_name(partner):
    with pytest.raises(ValidationError) as refused:
        services.start_council(
            actor=partner, name="  ", network_wide=False, started_on=TODAY, at=AT
        )

    assert _messages(refused) == {"name": ["Give the council a name."]}


# --- members ------------------------------------------------------------------------------------


def _add(partner, council, **changes):
    values = {
        "name": "Odalys",
        "language": "es",
        "reach_by": "text",
        "contact_detail": "+15555550111",
        "consent_given_on": TODAY,
        "consent_method": "verbal",
        "caregiver": None,
        **changes,
    }
    return services.add_member(actor=partner, council=council, today=TODAY, at=AT, **values)


def test_a_member_is_added_with_consent_and_how_to_reach_them(partner, council, caregiver_a):
    member = _add(partner, council, language="SPA", caregiver=caregiver_a)

    assert (member.language, member.reach_by, member.caregiver) == ("es", "text", caregiver_a)
    event = AuditEvent.objects.get(object_type="council_member", object_id=str(member.pk))
    assert event.detail == {"council": str(council.pk), "linked_to_caregiver": True}


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"name": " "}, {"name": ["Write the name the member wants us to use."]}),
        (
            {"language": "zz-nope"},
            {
                "language": [
                    "“zz-nope” is not a known language code."
                    " Use an ISO 639 code such as “es” or “vi”."
                ]
            },
        ),
        ({"reach_by": "pigeon"}, {"reach_by": ["Choose how the member wants to be reached."]}),
        (
            {"contact_detail": ""},
            {
                "contact_detail": [
                    "Write the number, email or address for the way they chose to be reached."
                ]
            },
        ),
        ({"consent_method": "nod"}, {"consent_method": ["Choose how the member agreed to serve."]}),
        (
            {"consent_given_on": TODAY + timedelta(days=1)},
            {"consent_given_on": ["This date is in the future."]},
        ),
    ],
)
def test_a_member_is_refused_with_a_clear_message(partner, council, changes, errors):
    with pytest.raises(ValidationError) as refused:
        _add(partner, council, **changes)

    assert _messages(refused) == errors
    assert council.members.count() == 0


def test_in_person_needs_no_contact_detail(partner, council):
    assert _add(partner, council, reach_by="in_person", contact_detail="").contact_detail == ""


def test_a_caregiver_is_a_member_once_and_only_of_their_practice(
    partner, council, caregiver_a, caregiver_b
):
    _add(partner, council, caregiver=caregiver_a)

    with pytest.raises(ValidationError) as twice:
        _add(partner, council, caregiver=caregiver_a)
    with pytest.raises(ValidationError) as elsewhere:
        _add(partner, council, caregiver=caregiver_b)

    assert _messages(twice) == {"caregiver": ["This caregiver is already a member of the council."]}
    assert _messages(elsewhere) == {
        "caregiver": ["This caregiver is not one of the practice's families."]
    }


# --- meetings ------------------------------------------------------------------------------------


def _meeting(partner, council, attended, **changes):
    values = {
        "held_on": date(2026, 11, 3),
        "format": "both",
        "place": "Community room and video",
        "agenda": "Waiting times\n\nEvening hours",
        **changes,
    }
    return services.record_meeting(
        actor=partner, council=council, attended=attended, today=TODAY, at=AT, **values
    )


def test_a_meeting_is_recorded_with_attendance_and_compensation_at_once(partner, council, member):
    other = cf.member(council, "Anselma Rookwood")

    meeting = _meeting(
        partner,
        council,
        [
            services.Attended(member, Decimal("50"), "gift_card", date(2026, 11, 3)),
            services.Attended(other),  # came, not paid (declined)
        ],
    )

    assert meeting.topics == ["Waiting times", "Evening hours"]
    assert MeetingAttendance.objects.filter(meeting=meeting).count() == 2
    paid = Compensation.objects.get()
    assert (paid.attendance.member, paid.amount, paid.form) == (member, Decimal("50"), "gift_card")
    assert paid.recorded_by == partner.user
    event = AuditEvent.objects.get(object_type="council_meeting")
    assert event.detail == {"council": str(council.pk), "attended": 2, "compensated": 1}


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"held_on": TODAY + timedelta(days=1)},
            {"held_on": ["Record a meeting once it has taken place."]},
        ),
        ({"format": "radio"}, {"format": ["Choose where the meeting took place."]}),
        ({"place": " "}, {"place": ["Write the place or the video link."]}),
        ({"agenda": "\n"}, {"agenda": ["Write at least one agenda topic."]}),
    ],
)
def test_a_meeting_is_refused_with_a_clear_message(partner, council, member, changes, errors):
    with pytest.raises(ValidationError) as refused:
        _meeting(partner, council, [services.Attended(member)], **changes)

    assert _messages(refused) == errors
    assert Meeting.objects.count() == 0


@pytest.mark.parametrize(
    ("row", "error"),
    [
        (
            lambda m: services.Attended(m, Decimal("-5"), "cash", date(2026, 11, 3)),
            "The amount paid to Wilhelmina Thistlewood cannot be negative.",
        ),
        (
            lambda m: services.Attended(m, Decimal("5"), "bitcoin", date(2026, 11, 3)),
            "Choose how Wilhelmina Thistlewood was paid.",
        ),
        (
            lambda m: services.Attended(m, Decimal("5"), "cash", None),
            "Write the day Wilhelmina Thistlewood was paid.",
        ),
        (
            lambda m: services.Attended(m, Decimal("5"), "cash", TODAY + timedelta(days=2)),
            "The day Wilhelmina Thistlewood was paid is in the future.",
        ),
        (
            lambda m: services.Attended(m, None, "cash", None),
            "Write the amount paid to Wilhelmina Thistlewood.",
        ),
    ],
)
def test_compensation_is_refused_with_a_clear_message_and_nothing_is_saved(
    partner, council, member, row, error
):
    with pytest.raises(ValidationError) as refused:
        _meeting(partner, council, [row(member)])

    assert _messages(refused) == {"attended": [error]}
    assert (Meeting.objects.count(), Compensation.objects.count()) == (0, 0)


def test_only_current_members_who_had_joined_attend(partner, council, member, practice_a):
    late = cf.member(council, "Perpetua Lowell")
    late.consent_given_on = date(2026, 11, 20)
    late.save()
    other_council = cf.council(practice_a, name="Another")
    stranger = cf.member(other_council, "Cosima Vane")

    with pytest.raises(ValidationError) as refused:
        _meeting(
            partner,
            council,
            [
                services.Attended(member),
                services.Attended(member),
                services.Attended(late),
                services.Attended(stranger),
            ],
        )

    assert _messages(refused) == {
        "attended": [
            "Wilhelmina Thistlewood is listed twice.",
            "Perpetua Lowell joined the council after this meeting.",
            "Cosima Vane is not a current member of this council.",
        ]
    }


# --- recommendations -------------------------------------------------------------------------


def _raise(partner, council, texts, **changes):
    values = {"raised_on": date(2026, 11, 3), "meeting": None, "raised_by": [], **changes}
    return services.raise_recommendation(
        actor=partner, council=council, texts=texts, today=TODAY, at=AT, **values
    )


def test_a_recommendation_is_heard_with_its_texts_and_who_raised_it(partner, council, member):
    meeting = cf.meeting(council, partner.user)

    recommendation = _raise(
        partner,
        council,
        [
            services.Text("en", " Evening hours "),
            services.Text("es", "Horario de tarde"),
            services.Text("vi", ""),
        ],
        meeting=meeting,
        raised_by=[member],
    )

    assert (recommendation.status, recommendation.title) == (S.HEARD, "Evening hours")
    assert list(recommendation.raised_by.all()) == [member]
    assert sorted(recommendation.texts.values_list("language", flat=True)) == ["en", "es"]
    change = RecommendationChange.objects.get()
    assert (change.from_status, change.to_status, change.languages) == ("", S.HEARD, ["en", "es"])


@pytest.mark.parametrize(
    ("texts", "changes", "errors"),
    [
        (
            [services.Text("es", "Horario de tarde")],
            {},
            {
                "asked_en": [
                    "Write what families asked for in English:"
                    " it is shown when a language is missing."
                ]
            },
        ),
        (
            [services.Text("en", "Evening hours"), services.Text("es", "", "Abrimos los martes")],
            {},
            {"asked_es": ["Write what families asked for in Spanish too."]},
        ),
        (
            [services.Text("en", "x" * 241)],
            {},
            {"asked_en": ["Keep what families asked for under 240 characters."]},
        ),
        (
            [services.Text("en", "Evening hours")],
            {"raised_on": TODAY + timedelta(days=1)},
            {"raised_on": ["This date is in the future."]},
        ),
        (
            [services.Text("en", "Ask Wilhelmina Thistlewood about hours")],
            {},
            {
                "__all__": [
                    "Family pages never name a member:"
                    " take Wilhelmina Thistlewood out of the texts."
                ]
            },
        ),
    ],
)
def test_a_recommendation_is_refused_with_a_clear_message(
    partner, council, member, texts, changes, errors
):
    with pytest.raises(ValidationError) as refused:
        _raise(partner, council, texts, **changes)

    assert _messages(refused) == errors
    assert Recommendation.objects.count() == 0


def test_a_recommendation_at_a_meeting_is_raised_on_its_date_by_its_members(
    partner, council, member, practice_a
):
    meeting = cf.meeting(council, partner.user, held_on=date(2026, 10, 1))
    other = cf.member(cf.council(practice_a, name="Other"), "Cosima Vane")
    texts = [services.Text("en", "Evening hours")]

    with pytest.raises(ValidationError) as refused:
        _raise(partner, council, texts, meeting=meeting, raised_by=[other])

    assert _messages(refused) == {
        "raised_on": ["A recommendation raised at a meeting is raised on its date."],
        "raised_by": ["Choose current members of this council."],
    }


def _at_status(council, status, *, answer="", answer_es=""):
    return cf.recommendation(council, status=status, answer=answer, answer_es=answer_es)


ALLOWED = sorted((a, b) for a, targets in TRANSITIONS.items() for b in targets)
REFUSED = sorted((a, b) for a in S.values for b in S.values if b not in TRANSITIONS[a])


@pytest.mark.parametrize(("current", "to"), ALLOWED, ids=[f"{a}-{b}" for a, b in ALLOWED])
def test_every_allowed_status_move(partner, council, current, to):
    recommendation = _at_status(council, current, answer="We did it.", answer_es="Lo hicimos.")

    moved = services.change_status(actor=partner, recommendation=recommendation, to=to, at=AT)

    assert moved.status == to
    change = RecommendationChange.objects.get(recommendation=recommendation)
    assert (change.from_status, change.to_status, change.by) == (current, to, partner.user)
    event = AuditEvent.objects.get(object_type="council_recommendation")
    assert event.detail == {"status": [current, to]}


@pytest.mark.parametrize(("current", "to"), REFUSED, ids=[f"{a}-{b}" for a, b in REFUSED])
def test_every_refused_status_move(partner, council, current, to):
    recommendation = _at_status(council, current, answer="We did it.", answer_es="Lo hicimos.")

    with pytest.raises(ValidationError) as refused:
        services.change_status(actor=partner, recommendation=recommendation, to=to, at=AT)

    assert _messages(refused) == {
        "status": [f"A recommendation that is “{S(current).label}” cannot become “{S(to).label}”."]
    }
    recommendation.refresh_from_db()
    assert recommendation.status == current
    assert RecommendationChange.objects.count() == 0


def test_an_unknown_status_is_refused(partner, council):
    recommendation = _at_status(council, S.HEARD)

    with pytest.raises(ValidationError) as refused:
        services.change_status(actor=partner, recommendation=recommendation, to="parked", at=AT)

    assert _messages(refused) == {"status": ["Choose a status."]}


@pytest.mark.parametrize("to", [S.DONE, S.NOT_ADOPTED])
def test_done_or_not_adopted_needs_the_answer_in_each_language_of_the_request(partner, council, to):
    no_answer = _at_status(council, S.IN_PROGRESS)
    english_only = _at_status(council, S.IN_PROGRESS, answer="We opened on Tuesdays.")

    with pytest.raises(ValidationError) as none:
        services.change_status(actor=partner, recommendation=no_answer, to=to, at=AT)
    with pytest.raises(ValidationError) as spanish_missing:
        services.change_status(actor=partner, recommendation=english_only, to=to, at=AT)

    label = S(to).label
    assert _messages(none) == {
        "status": [
            f"Write the practice's answer in English, Spanish before marking it “{label}”:"
            " families read what was done, or why not."
        ]
    }
    assert _messages(spanish_missing) == {
        "status": [
            f"Write the practice's answer in Spanish before marking it “{label}”:"
            " families read what was done, or why not."
        ]
    }


def test_texts_are_edited_per_language_with_history(partner, council):
    recommendation = _at_status(council, S.IN_PROGRESS)

    changed = services.edit_texts(
        actor=partner,
        recommendation=recommendation,
        texts=[
            services.Text("en", "Evening hours on Tuesdays", "We open until 7 on Tuesdays."),
            services.Text("es", "Horario de tarde los martes"),
            services.Text("vi", "Giờ buổi tối"),
        ],
        at=AT,
    )

    assert changed == ["en", "vi"]
    texts = {
        t.language: t for t in RecommendationText.objects.filter(recommendation=recommendation)
    }
    assert texts["en"].answer == "We open until 7 on Tuesdays."
    assert texts["vi"].asked == "Giờ buổi tối"
    assert RecommendationChange.objects.get().languages == ["en", "vi"]


def test_removing_a_language_and_unchanged_texts(partner, council):
    recommendation = _at_status(council, S.HEARD)

    unchanged = services.edit_texts(
        actor=partner,
        recommendation=recommendation,
        at=AT,
        texts=[
            services.Text("en", "Evening hours on Tuesdays"),
            services.Text("es", "Horario de tarde los martes"),
        ],
    )
    removed = services.edit_texts(
        actor=partner,
        recommendation=recommendation,
        at=AT,
        texts=[services.Text("en", "Evening hours on Tuesdays")],
    )

    assert (unchanged, removed) == ([], ["es"])
    assert list(recommendation.texts.values_list("language", flat=True)) == ["en"]


def test_a_finished_recommendation_keeps_its_answer(partner, council):
    recommendation = _at_status(council, S.DONE, answer="We did.", answer_es="Lo hicimos.")

    with pytest.raises(ValidationError) as refused:
        services.edit_texts(
            actor=partner,
            recommendation=recommendation,
            at=AT,
            texts=[
                services.Text("en", "Evening hours on Tuesdays", "We did."),
                services.Text("es", "Horario de tarde los martes", ""),
            ],
        )

    assert _messages(refused) == {"answer_es": ["A finished recommendation keeps its answer."]}
    assert recommendation.texts.get(language="es").answer == "Lo hicimos."
