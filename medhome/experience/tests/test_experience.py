"""The family experience survey: planning after a visit, the family's one answer (single use,
reuse, twice answered, validation in English and Spanish), the license refusal, staff entry of
the licensed form, results with suppression at the cut-offs, comments for the quality lead
only, tenancy, and the demo."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.core.actor import Actor
from medhome.core.suppression import Cell
from medhome.experience import definitions, selectors, services
from medhome.experience.models import Answer, Comment, EnteredBy, Invitation, QualityLead, Response
from medhome.messaging.models import Message, MessageKind
from medhome.portal.links import issue_link
from medhome.portal.models import Purpose
from medhome.visits.models import Visit, VisitKind, VisitStatus
from tests import factories

ZONE = ZoneInfo("America/New_York")
AT = datetime(2026, 12, 5, 15, 0, tzinfo=ZONE)
ALL_BEST = {f"item-{i.key}": "definitely" for i in definitions.MEDHOME_VISIT.items}


def completed(child, at: datetime, **extra) -> Visit:
    return Visit.objects.create(
        practice=child.practice,
        child=child,
        starts_at=at,
        kind=VisitKind.SICK,
        status=VisitStatus.COMPLETED,
        created_at=at,
        **extra,
    )


def survey_url(token: str, lang: str = "") -> str:
    return reverse("portal:experience", args=[token]) + (f"?lang={lang}" if lang else "")


# --- planning ------------------------------------------------------------------------------


def consent_to_texts(caregiver) -> None:
    from medhome.messaging.models import ConsentMethod
    from medhome.messaging.services.common import system_actor
    from medhome.messaging.services.consents import record_consent

    record_consent(
        actor=system_actor(caregiver.practice),
        caregiver=caregiver,
        channel="text",
        granted=True,
        method=ConsentMethod.VERBAL,
        at=AT - timedelta(days=30),
    )


def test_a_completed_visit_plans_one_survey_in_the_familys_language(child_a, caregiver_a):
    consent_to_texts(caregiver_a)
    visit = completed(child_a, AT - timedelta(hours=5))

    made = services.plan_surveys(practice=child_a.practice, at=AT)
    again = services.plan_surveys(practice=child_a.practice, at=AT + timedelta(hours=1))

    assert (made, again) == (1, 0)
    invitation = Invitation.objects.get()
    assert (invitation.visit, invitation.caregiver) == (visit, caregiver_a)
    message = Message.objects.get(kind=MessageKind.EXPERIENCE_SURVEY)
    assert message.language == "es" and message.link_purpose == Purpose.EXPERIENCE
    assert (message.status, message.channel) in (("planned", "text"), ("held", "text"))
    assert "¿cómo fue la visita" in message.body
    assert message.subject_id == str(invitation.pk)


def test_an_opted_out_number_gets_no_survey_text(child_a, caregiver_a):
    from medhome.messaging.models import MessageStatus
    from medhome.messaging.services.common import phone_text
    from medhome.messaging.services.consents import opt_out

    consent_to_texts(caregiver_a)
    opt_out(practice=child_a.practice, phone=phone_text(caregiver_a), at=AT - timedelta(days=1))
    completed(child_a, AT - timedelta(hours=5))

    services.plan_surveys(practice=child_a.practice, at=AT)

    message = Message.objects.get(kind=MessageKind.EXPERIENCE_SURVEY)
    assert (message.status, message.error_code) == (MessageStatus.SUPPRESSED, "no_channel")


def test_one_invitation_per_family_in_every_days(child_a, family_a):
    sibling = factories.add_child(family_a, legal_given_name="Mateo", mrn="SG-2")
    completed(child_a, AT - timedelta(hours=5))
    completed(sibling, AT - timedelta(hours=4))
    services.plan_surveys(practice=child_a.practice, at=AT)
    completed(sibling, AT + timedelta(days=10))

    services.plan_surveys(practice=child_a.practice, at=AT + timedelta(days=10, hours=5))

    assert Invitation.objects.count() == 1


def test_no_survey_for_a_confidential_visit_nor_too_soon(child_a):
    completed(child_a, AT - timedelta(hours=5), confidential=True)
    completed(child_a, AT - timedelta(hours=1))

    assert services.plan_surveys(practice=child_a.practice, at=AT) == 0


def test_no_survey_for_an_adolescent(family_a):
    teen = factories.add_child(
        family_a, legal_given_name="Ana", mrn="SG-3", date_of_birth=date(2012, 1, 1)
    )
    completed(teen, AT - timedelta(hours=5))

    assert services.plan_surveys(practice=teen.practice, at=AT) == 0


def test_a_visit_labelled_confidential_after_planning_gets_no_message(child_a):
    from medhome.messaging.services.wanted import why_not

    visit = completed(child_a, AT - timedelta(hours=5))
    services.plan_surveys(practice=child_a.practice, at=AT)
    Visit.objects.filter(pk=visit.pk).update(confidential=True)
    message = Message.objects.select_related("visit").get()

    assert why_not(message, AT) == "confidential"
    assert why_not(message, AT + timedelta(days=8)) in ("confidential", "survey_too_late")


# --- the family page -----------------------------------------------------------------------


SYSTEM = frozenset({"screening.send"})


def live_token(child, caregiver) -> str:
    """A survey link bound to an invitation about a completed visit, as the page finds it."""
    at = timezone.now()
    link, token = issue_link(
        actor=Actor(user=None, practice=child.practice, role="system", capabilities=SYSTEM),
        purpose=Purpose.EXPERIENCE,
        child=child,
        caregiver=caregiver,
        at=at,
        channel="text",
    )
    Invitation.objects.create(
        practice=child.practice,
        visit=completed(child, at - timedelta(hours=4)),
        child=child,
        caregiver=caregiver,
        survey_key=definitions.FAMILY_SURVEY,
        link=link,
        created_at=at,
        sent_at=at,
    )
    return token


@pytest.fixture
def token(child_a, caregiver_a):
    return live_token(child_a, caregiver_a)


def test_the_page_opens_in_spanish_one_question_per_row(client, token):
    page = client.get(survey_url(token)).content.decode()

    assert "¿Cómo fue su visita?" in page
    assert page.count('type="radio"') == 3 * len(definitions.MEDHOME_VISIT.items)
    assert 'name="may_show_name"' in page and 'name="may_show_name" checked' not in page


@pytest.mark.parametrize(
    ("lang", "missing", "wrong"),
    [
        ("en", "Please choose an answer to this question.", "That answer is not one of"),
        ("es", "Por favor, elija una respuesta a esta pregunta.", "Esa respuesta no es una de"),
    ],
)
def test_missing_or_wrong_answers_save_nothing(client, token, lang, missing, wrong):
    answers = {**ALL_BEST, "item-listen": "", "item-respect": "maybe", "lang": lang}

    response = client.post(survey_url(token), answers)

    page = response.content.decode()
    assert response.status_code == 400
    assert missing in page and wrong in page
    assert (Response.objects.count(), Answer.objects.count(), Comment.objects.count()) == (0, 0, 0)


def test_too_long_a_comment_is_refused_in_spanish(client, token, settings):
    settings.MEDHOME_EXPERIENCE = {"comment_max_chars": 10}

    response = client.post(survey_url(token), {**ALL_BEST, "comment": "x" * 11, "lang": "es"})

    assert response.status_code == 400
    assert "Por favor, escriba su comentario en 10 caracteres o menos." in response.content.decode()
    assert Response.objects.count() == 0


def test_answered_once_then_thanked_in_spanish(client, token):
    sent = client.post(survey_url(token), {**ALL_BEST, "comment": "Muy amables", "lang": "es"})
    again = client.get(survey_url(token))
    twice = client.post(survey_url(token), {**ALL_BEST, "item-listen": "no"})

    assert sent.status_code == 302
    assert again.status_code == 200 and "Gracias" in again.content.decode()
    assert twice.status_code == 200
    response = Response.objects.get()
    assert (response.language, response.entered_by, response.channel) == ("es", "family", "text")
    assert Answer.objects.filter(response=response, item="listen").get().value == "definitely"
    assert Comment.objects.get().may_show_name is False
    assert Invitation.objects.get().answered_at is not None


def test_another_link_of_an_answered_invitation_counts_once(client, token, child_a, caregiver_a):
    client.post(survey_url(token), ALL_BEST)
    _link, second = issue_link(
        actor=Actor(user=None, practice=child_a.practice, role="system", capabilities=SYSTEM),
        purpose=Purpose.EXPERIENCE,
        child=child_a,
        caregiver=caregiver_a,
        at=timezone.now(),
    )

    page = client.get(survey_url(second, "es"))
    posted = client.post(survey_url(second), ALL_BEST)

    assert page.status_code == 200 and "Gracias" in page.content.decode()
    assert posted.status_code == 200
    assert Response.objects.count() == 1


def test_the_service_refuses_a_second_answer(token):
    invitation = Invitation.objects.select_related("link", "visit").get()
    values = {k.removeprefix("item-"): v for k, v in ALL_BEST.items()}
    kwargs = {
        "link": invitation.link,
        "invitation": invitation,
        "answers": values,
        "comment": "",
        "may_show_name": False,
        "language": "en",
    }
    services.answer_by_family(**kwargs, at=timezone.now())

    with pytest.raises(services.AlreadyAnswered):
        services.answer_by_family(**kwargs, at=timezone.now())
    assert Response.objects.count() == 1


def test_an_unknown_token_gets_the_invalid_page(client, db):
    assert client.get(survey_url("no-such-token")).status_code == 404


# --- the license ---------------------------------------------------------------------------


def test_the_cahps_form_is_never_sent_by_family_link():
    with pytest.raises(definitions.SurveyRefused, match="cannot be sent by family link"):
        services.check_family_link(definitions.STAFF_SURVEY)
    services.check_family_link(definitions.FAMILY_SURVEY)


def test_the_cahps_definition_ships_no_wording_and_records_its_license():
    survey = definitions.CAHPS_CG_CHILD_STAFF
    assert all(not item.text for item in survey.items)
    assert all(not o.text for item in survey.items for o in item.options)
    assert survey.license.checked_on == "2026-12-05"
    assert survey.by_family_link is False and survey.comparable is False
    own = definitions.MEDHOME_VISIT.license
    assert own.text_license == definitions.TextLicense.PROJECT_OWN
    assert 5 <= len(definitions.MEDHOME_VISIT.items) <= 7
    assert all(set(i.text) == {"en", "es"} for i in definitions.MEDHOME_VISIT.items)


def test_a_family_answer_to_the_cahps_form_is_refused(token):
    invitation = Invitation.objects.select_related("link", "visit").get()
    invitation.survey_key = definitions.STAFF_SURVEY

    with pytest.raises(definitions.SurveyRefused):
        services.answer_by_family(
            link=invitation.link,
            invitation=invitation,
            answers={},
            comment="",
            may_show_name=False,
            language="en",
            at=timezone.now(),
        )


# --- staff entry of the licensed form ------------------------------------------------------


def test_staff_key_the_form_and_it_is_counted_apart(log_in, staff_a, practice_a, child_a):
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)
    url = reverse("experience:staff_entry", args=[child_a.pk])

    bad = client.post(url, {"q3": "sometimes", "q4": "often", "answered_on": "2026-12-01"})
    empty = client.post(url, {"answered_on": "2026-12-01"})
    good = client.post(url, {"q3": "always", "q7": "9", "answered_on": "2026-12-01"})

    assert (bad.status_code, empty.status_code, good.status_code) == (400, 400, 302)
    assert "not one of the standard response options" in bad.content.decode()
    assert "Enter at least one answer" in empty.content.decode()
    assert client.get(url).status_code == 200
    assert AuditEvent.objects.filter(
        object_type="child", object_id=str(child_a.pk), action="view"
    ).exists()
    response = Response.objects.get()
    assert (response.survey_key, response.entered_by) == (definitions.STAFF_SURVEY, "staff")
    own = selectors.results([practice_a.pk], date(2026, 1, 1), date(2026, 12, 31))
    staff = selectors.results(
        [practice_a.pk], date(2026, 1, 1), date(2026, 12, 31), survey_key=definitions.STAFF_SURVEY
    )
    assert all(r.total.denominator == 0 for r in own)
    assert [(r.item.number, r.total.numerator, r.total.denominator) for r in staff] == [
        (3, 1, 1),
        (7, 1, 1),
    ]


# --- results -------------------------------------------------------------------------------


def answered(child, caregiver, *, values: dict[str, str], on: date, site=None) -> Response:
    visit = completed(child, datetime(on.year, on.month, on.day, 9, tzinfo=ZONE), site=site)
    invitation = Invitation.objects.create(
        practice=child.practice,
        visit=visit,
        child=child,
        caregiver=caregiver,
        survey_key=definitions.FAMILY_SURVEY,
        created_at=timezone.now(),
    )
    response = Response.objects.create(
        practice=child.practice,
        invitation=invitation,
        survey_key=definitions.FAMILY_SURVEY,
        child=child,
        visit=visit,
        site=site,
        language=child.preferred_language,
        entered_by=EnteredBy.FAMILY,
        answered_on=on,
        created_at=timezone.now(),
    )
    Answer.objects.bulk_create(
        Answer(practice=child.practice, response=response, item=k, value=v)
        for k, v in values.items()
    )
    return response


def test_top_box_by_language_and_payer(practice_a, family_a, caregiver_a):
    spanish = factories.add_child(family_a, mrn="S1")
    english = factories.add_child(family_a, mrn="E1", preferred_language="en", payer="commercial")
    for n in range(3):
        answered(spanish, caregiver_a, values={"listen": "definitely"}, on=date(2026, 3, n + 1))
    answered(spanish, caregiver_a, values={"listen": "no"}, on=date(2026, 3, 9))
    answered(english, caregiver_a, values={"listen": "somewhat"}, on=date(2026, 3, 9))
    answered(english, caregiver_a, values={"listen": "no"}, on=date(2025, 1, 1))  # outside

    by_language = selectors.results([practice_a.pk], date(2026, 1, 1), date(2026, 12, 31))
    by_payer = selectors.results([practice_a.pk], date(2026, 1, 1), date(2026, 12, 31), "payer")

    listen = next(r for r in by_language if r.item.key == "listen")
    assert (listen.total.numerator, listen.total.denominator) == (3, 5)
    assert {c.key: (c.numerator, c.denominator) for c in listen.rows} == {
        "es": (3, 4),
        "en": (0, 1),
    }
    payer = next(r for r in by_payer if r.item.key == "listen")
    assert {c.key: c.denominator for c in payer.rows} == {"medicaid": 4, "commercial": 1}


def test_race_alone_or_in_combination_overlaps(practice_a, family_a, caregiver_a):
    both = factories.add_child(family_a, mrn="R1", race_ethnicity=["hispanic", "white"])
    answered(both, caregiver_a, values={"listen": "definitely"}, on=date(2026, 3, 1))

    rows = selectors.results(
        [practice_a.pk], date(2026, 1, 1), date(2026, 12, 31), "race_ethnicity_any"
    )

    listen = next(r for r in rows if r.item.key == "listen")
    assert {c.key: c.denominator for c in listen.rows} == {"hispanic": 1, "white": 1}


@pytest.mark.parametrize(("n", "hidden"), [(10, True), (11, False)])
def test_network_counts_are_suppressed_at_the_cut_off(practice_a, family_a, caregiver_a, n, hidden):
    english = factories.add_child(family_a, mrn="E2", preferred_language="en")
    for day in range(n):
        answered(english, caregiver_a, values={"listen": "definitely"}, on=date(2026, 4, day + 1))
    for day in range(30):
        answered(english, caregiver_a, values={"listen": "no"}, on=date(2026, 5, day + 1))
    spanish = factories.add_child(family_a, mrn="S2")
    for day in range(40):
        answered(spanish, caregiver_a, values={"listen": "no"}, on=date(2026, 6, day % 28 + 1))

    rows = selectors.results([practice_a.pk], date(2026, 1, 1), date(2026, 12, 31), suppress=True)

    listen = next(r for r in rows if r.item.key == "listen")
    cells = {c.key: c for c in listen.rows}
    assert cells["en"].hidden is hidden
    # The Spanish row (0 best of 40) alone would give the English one away: hidden with it.
    assert cells["es"].hidden is hidden


def test_complementary_suppression_is_the_core_rule():
    from medhome.core.suppression import suppress_rows

    rows = suppress_rows(
        [Cell("a", "a", 5, 8), Cell("b", "b", 20, 40), Cell("c", "c", 30, 50)], exclusive=True
    )
    assert [r.hidden for r in rows] == [True, True, False]


def test_the_dashboard_shows_the_section(log_in, staff_a, practice_a, child_a, caregiver_a):
    answered(child_a, caregiver_a, values={"listen": "definitely"}, on=timezone.localdate())
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)

    page = client.get(reverse("measures:dashboard") + "?experience_by=site").content.decode()
    wrong = client.get(reverse("measures:dashboard") + "?experience_by=shoe")

    assert 'id="h-experience"' in page and "Did the team listen carefully to you?" in page
    assert wrong.status_code == 200


def test_the_practice_dashboard_hides_one_familys_answers(
    log_in, staff_a, practice_a, family_a, child_a, caregiver_a
):
    """An answer is said in confidence: inside the practice too, a stratum of 1–10 answers is
    hidden, else the team would read what its one Somali-speaking family answered."""
    somali = factories.add_child(family_a, mrn="SO1", preferred_language="so")
    answered(somali, caregiver_a, values={"listen": "no"}, on=timezone.localdate())
    client = log_in(staff_a[Role.PEDIATRICIAN], practice_a)

    section = selectors.practice_results(
        factories.actor_for(staff_a[Role.PEDIATRICIAN], practice_a, Role.PEDIATRICIAN),
        timezone.localdate().replace(day=1),
        timezone.localdate(),
    )
    this_year = f"?period={timezone.localdate().year}"
    page = client.get(reverse("measures:dashboard") + this_year).content.decode()

    listen = next(r for r in section["items"] if r.item.key == "listen")
    assert listen.total.hidden and all(cell.hidden for cell in listen.rows)
    assert "suppressed (small numbers)" in page


def test_the_network_page_suppresses(log_in, staff_a, practice_a, child_a, caregiver_a):
    answered(child_a, caregiver_a, values={"listen": "definitely"}, on=timezone.localdate())
    client = log_in(staff_a[Role.NETWORK_ANALYST], practice_a)

    page = client.get(reverse("experience:network")).content.decode()

    assert "suppressed (small numbers)" in page
    assert "Sofía" not in page


# --- comments ------------------------------------------------------------------------------


@pytest.fixture
def comments(practice_a, child_a, caregiver_a):
    first = answered(child_a, caregiver_a, values={}, on=date(2026, 3, 1))
    second = answered(child_a, caregiver_a, values={}, on=date(2026, 3, 2))
    Comment.objects.create(
        practice=practice_a, response=first, text="Anonymous words", created_at=timezone.now()
    )
    Comment.objects.create(
        practice=practice_a,
        response=second,
        text="Named words",
        may_show_name=True,
        created_at=timezone.now(),
    )


def test_only_the_quality_lead_reads_comments(log_in, staff_a, practice_a, comments):
    admin = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)
    admin.post(reverse("experience:quality_lead"), {"user": staff_a[Role.CARE_COORDINATOR].pk})
    url = reverse("experience:comments")

    lead = log_in(staff_a[Role.CARE_COORDINATOR], practice_a).get(url)
    other_reader = admin.get(url)
    front_desk = log_in(staff_a[Role.FRONT_DESK], practice_a).get(url)

    assert lead.status_code == 200
    assert (other_reader.status_code, front_desk.status_code) == (404, 403)
    page = lead.content.decode()
    assert "Anonymous words" in page and "Named words" in page
    assert page.count("Marisol García") == 1  # only beside the comment whose family allowed it
    assert "Sofía" not in page
    assert AuditEvent.objects.filter(object_type="experience.comment").count() == 2


def test_the_quality_lead_is_one_per_practice_and_a_member(
    log_in, staff_a, practice_a, clinician_b
):
    admin = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)
    url = reverse("experience:quality_lead")

    admin.post(url, {"user": staff_a[Role.NURSE].pk})
    admin.post(url, {"user": staff_a[Role.PEDIATRICIAN].pk})
    outsider = admin.post(url, {"user": clinician_b.pk})
    garbage = admin.post(url, {"user": "not-a-number"})

    assert (outsider.status_code, garbage.status_code) == (400, 400)
    assert QualityLead.objects.get().user == staff_a[Role.PEDIATRICIAN]


def test_comments_list_has_a_fixed_number_of_queries(
    log_in, staff_a, practice_a, child_a, caregiver_a, django_assert_max_num_queries
):
    for day in range(1, 15):
        r = answered(child_a, caregiver_a, values={}, on=date(2026, 3, day))
        Comment.objects.create(practice=practice_a, response=r, text="x", created_at=timezone.now())
    QualityLead.objects.create(
        practice=practice_a,
        user=staff_a[Role.PRACTICE_ADMIN],
        chosen_by=staff_a[Role.PRACTICE_ADMIN],
        chosen_at=timezone.now(),
    )
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)

    with django_assert_max_num_queries(25):
        assert client.get(reverse("experience:comments")).status_code == 200


# --- tenancy ------------------------------------------------------------------


def test_another_practices_child_and_comments_stay_out(
    log_in, staff_a, practice_a, child_b, caregiver_b
):
    answered_b = answered(child_b, caregiver_b, values={"listen": "no"}, on=date(2026, 3, 1))
    Comment.objects.create(
        practice=child_b.practice, response=answered_b, text="B words", created_at=timezone.now()
    )
    QualityLead.objects.create(
        practice=practice_a,
        user=staff_a[Role.PRACTICE_ADMIN],
        chosen_by=staff_a[Role.PRACTICE_ADMIN],
        chosen_at=timezone.now(),
    )
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)

    entry = client.get(reverse("experience:staff_entry", args=[child_b.pk]))
    page = client.get(reverse("experience:comments")).content.decode()
    own = selectors.results([practice_a.pk], date(2026, 1, 1), date(2026, 12, 31))

    assert entry.status_code == 404
    assert "B words" not in page
    assert all(r.total.denominator == 0 for r in own)


def test_a_survey_spacing_shorter_than_its_link_stops_the_server(settings):
    from medhome.experience.checks import check_spacing

    settings.MEDHOME_EXPERIENCE = {"every_days": 13}
    too_short = check_spacing()
    settings.MEDHOME_EXPERIENCE = {"every_days": 14}

    assert [error.id for error in too_short] == ["medhome.E102"]
    assert check_spacing() == []
