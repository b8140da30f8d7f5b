"""Next steps, who sees what, the clinic's lists, audit of every staff page, and the rules a
result carries (M-CHAT follow-up, Z codes, corrected age)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.periodicity.models import RowCompletion
from medhome.screening.models import Administration

from .. import factories
from .support import (
    NEARLY_EVERY_DAY,
    NOT_AT_ALL,
    TODAY,
    phq9,
)

# --- Next steps and who sees what -------------------------------------------------------


def test_a_caregiver_phq2_is_not_due_unless_the_practice_opts_in_to_the_gate(
    client_a, infant_a, caregiver_a
):
    start = reverse("screening:start", kwargs={"child_id": infant_a.pk})

    refused = client_a.post(
        start, {"instrument": "phq2:caregiver", "mode": "tablet", "caregiver": caregiver_a.pk}
    )

    assert refused.status_code == 302 and not Administration.objects.exists()


def test_a_positive_phq2_leaves_the_row_pending_until_the_phq9(
    client_a, infant_a, caregiver_a, settings
):
    settings.MEDHOME_SCREENING = {"caregiver_phq2_gate": True}
    start = reverse("screening:start", kwargs={"child_id": infant_a.pk})
    first = client_a.post(
        start, {"instrument": "phq2:caregiver", "mode": "tablet", "caregiver": caregiver_a.pk}
    )
    client_a.post(
        first["Location"], {"item-1": NEARLY_EVERY_DAY, "item-2": NOT_AT_ALL, "action": "submit"}
    )
    phq2 = Administration.objects.get()
    pending = RowCompletion.objects.get(source_id=phq2.pk).next_step_pending
    follow = client_a.post(
        start,
        {
            "instrument": "phq9:caregiver",
            "mode": "tablet",
            "follows": phq2.pk,
            "caregiver": caregiver_a.pk,
        },
    )
    client_a.post(follow["Location"], {**phq9(), "action": "submit"})

    phq2.refresh_from_db()
    assert pending is True
    assert phq2.next_step_pending is False
    assert RowCompletion.objects.get(source_id=phq2.pk).next_step_pending is False


def test_an_adolescents_own_screen_is_confidential_from_the_chw(
    log_in, staff_a, practice_a, family_a, client_a
):
    teen = factories.add_child(
        family_a, legal_given_name="Lucía", mrn="LG-3003", date_of_birth=date(2011, 11, 1)
    )
    started = client_a.post(
        reverse("screening:start", kwargs={"child_id": teen.pk}),
        {"instrument": "phq9:adolescent", "mode": "tablet"},
    )
    client_a.post(started["Location"], {**phq9(), "action": "submit"})
    administration = Administration.objects.get()
    chw = log_in(staff_a[Role.COMMUNITY_HEALTH_WORKER], practice_a)

    result = chw.get(reverse("screening:result", kwargs={"administration_id": administration.pk}))
    chart = chw.get(reverse("families:chart", kwargs={"child_id": teen.pk}))

    assert administration.confidential and administration.respondent == "adolescent"
    assert RowCompletion.objects.get(source_id=administration.pk).row == "depression_suicide"
    assert result.status_code == 404
    assert "1 confidential adolescent screen" in chart.content.decode()


def test_the_result_page_is_audited_and_shows_codes(client_a, phq9_link, client):
    client.post(f"{phq9_link}phq9/", {**phq9(), "action": "submit"})
    administration = Administration.objects.get()

    page = client_a.get(
        reverse("screening:result", kwargs={"administration_id": administration.pk})
    )

    body = page.content.decode()
    assert "96161" in body and "Z13.32" in body
    assert AuditEvent.objects.filter(
        object_type="screening", object_id=str(administration.pk), action="view"
    ).exists()


# --- Lists ------------------------------------------------------------------------------


def test_todays_list_shows_what_is_due_for_each_visit(client_a, infant_a, practice_a):
    factories.schedule_visit(infant_a, at="2026-11-23 09:20:00-05:00")

    page = client_a.get(reverse("screening:today"))

    rows = page.context["rows"]
    assert [row.child.pk for row in rows] == [infant_a.pk]
    assert rows[0].status in ("due", "overdue")
    assert "Caregiver (perinatal) depression screening" in [
        str(label) for label in rows[0].outstanding
    ]


@pytest.mark.parametrize("children", [1, 6])
def test_list_query_counts_do_not_grow_with_the_panel(
    client_a, family_a, children, django_assert_max_num_queries
):
    for n in range(children):
        kid = factories.add_child(
            family_a,
            legal_given_name=f"Kid{n}",
            mrn=f"K-{n}",
            date_of_birth=TODAY - timedelta(days=60 + n),
        )
        factories.schedule_visit(kid, at="2026-11-23 09:20:00-05:00")

    # Today reads the practice's sites for its site selector: one query, whatever the rows; it
    # counts the open alerts once, for its banner and the navigation's badge.
    with django_assert_max_num_queries(15):
        today = client_a.get(reverse("screening:today"))
    with django_assert_max_num_queries(15):
        due = client_a.get(reverse("screening:due_list"))

    assert len(today.context["rows"]) == children
    assert due.status_code == 200


@pytest.mark.parametrize(
    ("name", "kwargs_of", "object_type"),
    [
        ("screening:today", lambda rows: {}, "todays_visits"),
        ("screening:due_list", lambda rows: {}, "due_list"),
        ("screening:alerts", lambda rows: {}, "critical_alerts"),
        ("screening:child", lambda rows: {"child_id": rows["child"].pk}, "child"),
        ("screening:send", lambda rows: {"child_id": rows["child"].pk}, "child"),
        (
            "screening:administer",
            lambda rows: {"administration_id": rows["administration"].pk},
            "screening",
        ),
        (
            "screening:result",
            lambda rows: {"administration_id": rows["administration"].pk},
            "screening",
        ),
        ("screening:acknowledge", lambda rows: {"alert_id": rows["alert"].pk}, "critical_alert"),
    ],
)
def test_every_staff_page_is_audited(
    client_a, clinician_a, child_a, caregiver_a, name, kwargs_of, object_type
):
    rows = {"child": child_a, **factories.screening_with_alert(child_a, caregiver_a, clinician_a)}
    before = AuditEvent.objects.filter(object_type=object_type).count()

    response = client_a.get(reverse(name, kwargs=kwargs_of(rows)))

    assert response.status_code == 200
    event = AuditEvent.objects.filter(object_type=object_type).order_by("sequence").last()
    assert AuditEvent.objects.filter(object_type=object_type).count() == before + 1
    assert event.actor == clinician_a and event.action in ("view", "search")


def test_an_mchat_medium_risk_waits_for_the_follow_up_interview(client_a, family_a, caregiver_a):
    from medhome.instruments.catalog._common import NO, YES

    toddler = factories.add_child(
        family_a, legal_given_name="Inés", mrn="IG-1818", date_of_birth=date(2025, 5, 20)
    )
    start = reverse("screening:start", kwargs={"child_id": toddler.pk})
    first = client_a.post(
        start,
        {"instrument": "mchat_r:caregiver", "mode": "staff_entry", "caregiver": caregiver_a.pk},
    )
    # Items 2, 5 and 12 are at risk on YES; the rest on NO. Four at-risk answers: medium risk.
    answers = {f"item-{n}": (NO if n in (2, 5, 12) else YES) for n in range(1, 21)}
    answers.update({"item-1": NO, "item-3": NO, "item-4": NO, "item-6": NO})
    client_a.post(first["Location"], {**answers, "action": "submit"})
    mchat = Administration.objects.get()
    result = client_a.get(reverse("screening:result", kwargs={"administration_id": mchat.pk}))
    follow = client_a.post(
        start,
        {"instrument": "mchat_rf_followup:staff", "mode": "staff_entry", "follows": mchat.pk},
    )
    client_a.post(follow["Location"], {"item-followup_score": "3", "action": "submit"})

    mchat.refresh_from_db()
    follow_up = Administration.objects.exclude(pk=mchat.pk).get()
    assert (mchat.total, mchat.band) == (4, "medium")
    assert "Give the M-CHAT-R/F Follow-Up now" in result.content.decode()
    assert follow_up.positive is True and follow_up.follows == mchat
    assert mchat.next_step_pending is False
    assert not RowCompletion.objects.filter(row="autism", next_step_pending=True).exists()


@pytest.mark.parametrize(
    ("domains", "on", "expected"),
    [
        (["food"], date(2026, 11, 23), ["Z59.41"]),
        (["utilities"], date(2025, 9, 30), ["Z59.87"]),  # last day before FY2026
        (["utilities"], date(2025, 10, 1), ["Z59.861"]),  # Z59.861 from FY2026
        (["transportation"], date(2022, 9, 30), []),  # Z59.82 starts FY2023
        (["safety"], date(2026, 11, 23), []),  # a safety review, not a code
    ],
)
def test_positive_needs_suggest_z_codes_valid_on_the_screening_date(domains, on, expected):
    from medhome.screening.zcodes import suggested

    assert [code.code for code in suggested(domains, on)] == expected


def test_a_positive_food_screen_suggests_its_z_code_on_the_result(client_a, infant_a, caregiver_a):
    started = client_a.post(
        reverse("screening:start", kwargs={"child_id": infant_a.pk}),
        {"instrument": "hvs:caregiver", "mode": "tablet", "caregiver": caregiver_a.pk},
    )
    client_a.post(
        started["Location"], {"item-1": "LA6729-3", "item-2": "LA28398-8", "action": "submit"}
    )
    administration = Administration.objects.get()

    page = client_a.get(
        reverse("screening:result", kwargs={"administration_id": administration.pk})
    )

    assert administration.positive is True and administration.positive_domains == ["food"]
    assert "Z59.41" in page.content.decode()


def test_a_preterm_infant_gets_the_developmental_form_for_the_corrected_age(family_a):
    from medhome.screening import due

    born_at_24_weeks = factories.add_child(
        family_a,
        legal_given_name="Mateo",
        mrn="MG-0924",
        date_of_birth=TODAY - timedelta(days=275),  # at the 9-month visit
        gestational_age_weeks=24,
        gestational_age_days=0,
    )
    term = factories.add_child(
        family_a, legal_given_name="Ana", mrn="AG-0940", date_of_birth=TODAY - timedelta(days=275)
    )

    def milestone_forms(child):
        return {
            c.instrument.key
            for c in due.choices_for(child, TODAY)
            if "milestones" in c.instrument.key
        }

    # 24 weeks: 16 weeks early, so about 5 months corrected (domain-reference §3).
    assert milestone_forms(born_at_24_weeks) == {"swyc_milestones_4"}
    assert milestone_forms(term) == {"swyc_milestones_9"}
