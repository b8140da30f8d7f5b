"""The figures of reaching families: each count from a small synthetic set of messages, the show
rate of reminded and not-reminded visits, recall success at the 30-day edge, the practice's own
rows only, who may see them, the CSV (suppressed, formula-safe, audited) and the query count."""

import csv
import io
from datetime import date, datetime, timedelta
from uuid import uuid4

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import Action, AuditEvent
from medhome.messaging import figures
from medhome.messaging.figures_views import FIGURES_OBJECT
from medhome.messaging.models import InboundText, Message, MessageKind, MessageStatus, OptOut
from medhome.visits.models import VisitStatus
from tests import factories

from .helpers import ZONE

pytestmark = pytest.mark.django_db

START, END = date(2026, 3, 1), date(2026, 3, 31)
IN = datetime(2026, 3, 10, 10, 0, tzinfo=ZONE)
BEFORE = datetime(2026, 2, 28, 23, 30, tzinfo=ZONE)  # the day before the range, local time
RANGE = {"start": "2026-03-01", "end": "2026-03-31"}


def household(practice, n: int, *, language: str = "en", channel: str = "text"):
    _family, child, caregiver = factories.register(
        practice,
        family_name=f"Family {n}",
        caregiver=factories.caregiver_values(
            given_name=f"Carer{n}",
            phone=f"+1617555{n:04d}",
            preferred_language=language,
            preferred_channel=channel,
        ),
        child=factories.child_values(mrn=f"F-{n}", date_of_birth=date(2022, 1, 1)),
    )
    return child, caregiver


def message(practice, caregiver=None, child=None, **values) -> Message:
    at = values.pop("send_after", IN)
    status = values.pop("status", MessageStatus.DELIVERED)
    if status in (MessageStatus.SENT, MessageStatus.DELIVERED):
        values.setdefault("sent_at", at)
    return Message.objects.create(
        practice=practice,
        caregiver=caregiver,
        child=child,
        kind=values.pop("kind", MessageKind.VISIT_REMINDER),
        channel=values.pop("channel", "text"),
        language=values.pop("language", "en"),
        status=status,
        to_address="",
        idempotency_key=str(uuid4()),
        send_after=at,
        created_at=at,
        updated_at=at,
        **values,
    )


def leader(practice):
    return factories.actor_for(None, practice, Role.CARE_COORDINATOR)


def of(found, key: str, group: list) -> dict:
    return next(row for row in group if row.key == key).counts


@pytest.fixture
def outbox(practice_a, practice_b):
    child, carer = household(practice_a, 1)
    es_child, es_carer = household(practice_a, 2, language="es")
    S = MessageStatus
    for status, channel, language, code in [
        (S.DELIVERED, "text", "en", ""),
        (S.DELIVERED, "text", "es", ""),
        (S.SENT, "text", "es", ""),
        (S.FAILED, "email", "en", "550"),
        (S.BOUNCED, "email", "es", "bounced"),
        (S.SUPPRESSED, "text", "en", "opted_out"),
        (S.SUPPRESSED, "text", "es", "no_consent"),
        (S.SUPPRESSED, "email", "es", "no_text_in_language"),
        (S.SUPPRESSED, "phone", "en", "no_channel"),  # on the call list, not yet called
        (S.CALLED, "phone", "en", ""),
        (S.SUPPRESSED, "print", "es", "no_channel"),
        (S.SUPPRESSED, "in_person", "en", "no_channel"),
        (S.SUPPRESSED, "portal", "en", "no_channel"),  # nobody will reach them: not sent
        (S.HELD, "text", "en", ""),
        (S.PLANNED, "email", "en", ""),
    ]:
        message(
            practice_a,
            carer if language == "en" else es_carer,
            child if language == "en" else es_child,
            status=status,
            channel=channel,
            language=language,
            error_code=code,
        )
    # Not counted: an answer to a keyword, a message before the range, another practice's.
    message(practice_a, carer, child, kind=MessageKind.KEYWORD_REPLY)
    message(practice_a, carer, child, send_after=BEFORE)
    other_child, other = household(practice_b, 9)
    message(practice_b, other, other_child, status=S.SUPPRESSED, error_code="opted_out")
    return {"carer": carer, "es_carer": es_carer, "other": other}


def test_messages_by_channel_and_language(practice_a, outbox):
    found = figures.figures(leader(practice_a), start=START, end=END)
    assert found.total.total == 15
    assert found.total.counts == {
        "waiting": 2,
        "sent": 1,
        "delivered": 2,
        "called": 1,
        "staff_list": 3,
        "failed": 2,
        "not_sent": 4,
    }
    assert [row.key for row in found.by_channel] == ["text", "email", "phone", "print", "portal"]
    assert of(found, "text", found.by_channel) == {
        "waiting": 1,
        "sent": 1,
        "delivered": 2,
        "called": 0,
        "staff_list": 0,
        "failed": 0,
        "not_sent": 2,
    }
    assert of(found, "phone", found.by_channel)["called"] == 1
    assert of(found, "phone", found.by_channel)["staff_list"] == 1
    assert of(found, "print", found.by_channel)["staff_list"] == 2  # paper and in person
    assert of(found, "portal", found.by_channel)["not_sent"] == 1
    assert of(found, "email", found.by_channel)["failed"] == 2
    assert {row.key: row.total for row in found.by_language} == {"en": 9, "es": 6}
    assert of(found, "es", found.by_language)["not_sent"] == 2


def test_why_not_sent_stops_and_replies(practice_a, practice_b, outbox):
    carer, other = outbox["carer"], outbox["other"]
    OptOut.objects.create(practice=practice_a, phone="+16175550001", opted_out_at=IN)
    OptOut.objects.create(practice=practice_a, phone="+16175550002", opted_out_at=BEFORE)
    OptOut.objects.create(practice=practice_b, phone="+16175550009", opted_out_at=IN)
    for body, keyword, crisis, who, practice in [
        ("Can we come at 10?", "", False, carer, practice_a),
        ("Thanks", "", False, carer, practice_a),
        ("Gracias", "", False, outbox["es_carer"], practice_a),
        ("STOP", "stop", False, carer, practice_a),
        ("Who is this?", "", False, None, practice_a),  # no caregiver has the number
        ("(words of crisis)", "", True, carer, practice_a),
        ("Thanks", "", False, other, practice_b),
    ]:
        InboundText.objects.create(
            practice=practice,
            from_number="+16175550001",
            caregiver=who,
            body=body,
            keyword=keyword,
            crisis=crisis,
            received_at=IN,
        )
    found = figures.figures(leader(practice_a), start=START, end=END)
    assert {code: n for code, _label, n in found.reasons} == {
        "opted_out": 1,
        "no_consent": 1,
        "no_text_in_language": 1,
        "no_channel": 1,  # the portal family; the call and print lists are not "not sent"
    }
    assert found.opted_out_numbers == 1
    assert found.not_sent_opted_out == 1
    assert (found.replies, found.replying_caregivers) == (3, 2)
    assert found.crisis_texts == 1


def test_the_range_is_the_practices_calendar_days(practice_a):
    child, carer = household(practice_a, 1)
    message(practice_a, carer, child, send_after=datetime(2026, 3, 31, 23, 50, tzinfo=ZONE))
    message(practice_a, carer, child, send_after=datetime(2026, 4, 1, 0, 0, tzinfo=ZONE))
    message(practice_a, carer, child, send_after=datetime(2026, 3, 1, 0, 0, tzinfo=ZONE))
    assert figures.figures(leader(practice_a), start=START, end=END).total.total == 2


def visit(child, at: datetime, status: str, kind: str = "well_child"):
    booked = factories.schedule_visit(child, at=at.isoformat(), kind=kind)
    booked.status = status
    booked.save(update_fields=["status"])
    return booked


def test_show_rate_of_reminded_and_not_reminded_visits(practice_a, practice_b):
    child, carer = household(practice_a, 1)
    day = datetime(2026, 3, 12, 9, 0, tzinfo=ZONE)
    V, S = VisitStatus, MessageStatus

    def reminded(booked, status=S.DELIVERED, **times):
        message(practice_a, carer, child, visit=booked, status=status, **times)

    reminded(visit(child, day, V.COMPLETED))
    reminded(visit(child, day + timedelta(days=1), V.ARRIVED), status=S.SENT)
    reminded(visit(child, day + timedelta(days=2), V.NO_SHOW))
    reminded(
        visit(child, day + timedelta(days=3), V.COMPLETED),
        status=S.CALLED,
        called_at=day + timedelta(days=2),
    )
    # Not reached before the visit: sent after it started, or not sent at all.
    late = visit(child, day + timedelta(days=4), V.NO_SHOW)
    reminded(late, sent_at=day + timedelta(days=4, hours=1))
    reminded(visit(child, day + timedelta(days=5), V.COMPLETED), status=S.SUPPRESSED)
    reminded(visit(child, day + timedelta(days=6), V.NO_SHOW), status=S.FAILED)
    visit(child, day + timedelta(days=7), V.COMPLETED)
    # Not counted: cancelled, still booked, before the range, another practice's.
    reminded(visit(child, day + timedelta(days=8), V.CANCELLED))
    visit(child, day + timedelta(days=9), V.SCHEDULED)
    visit(child, BEFORE, V.COMPLETED)
    other_child, _other = household(practice_b, 9)
    visit(other_child, day, V.NO_SHOW)

    found = figures.figures(leader(practice_a), start=START, end=END)
    assert (found.reminded.numerator, found.reminded.denominator) == (3, 4)
    assert (found.not_reminded.numerator, found.not_reminded.denominator) == (2, 4)


def test_recall_success_counts_a_well_child_visit_within_30_days(practice_a, practice_b):
    sent = datetime(2026, 3, 5, 10, 0, tzinfo=ZONE)
    V = VisitStatus
    cases = [
        (timedelta(days=29), V.COMPLETED, "well_child", True),
        (timedelta(days=30), V.COMPLETED, "group", True),
        (timedelta(days=31), V.COMPLETED, "well_child", False),
        (timedelta(days=5), V.COMPLETED, "sick", False),
        (timedelta(days=5), V.NO_SHOW, "well_child", False),
        (-timedelta(days=2), V.COMPLETED, "well_child", False),  # came before the recall
    ]
    for n, (after, status, kind, _came) in enumerate(cases, start=1):
        child, carer = household(practice_a, n)
        message(practice_a, carer, child, kind=MessageKind.RECALL, send_after=sent)
        visit(child, sent + after, status, kind)
    # A second recall to the first child counts the child once.
    first = Message.objects.filter(kind=MessageKind.RECALL).order_by("created_at").first()
    message(practice_a, first.caregiver, first.child, kind=MessageKind.RECALL)
    # A recall that did not reach the family, and another practice's, are not counted.
    child, carer = household(practice_a, 20)
    message(practice_a, carer, child, kind=MessageKind.RECALL, status=MessageStatus.SUPPRESSED)
    other_child, other = household(practice_b, 21)
    message(practice_b, other, other_child, kind=MessageKind.RECALL, send_after=sent)
    visit(other_child, sent + timedelta(days=3), V.COMPLETED)

    recall = figures.figures(leader(practice_a), start=START, end=END).recall
    assert (recall.numerator, recall.denominator) == (2, 6)


def test_another_practice_sees_only_its_own(practice_a, practice_b, outbox):
    found = figures.figures(leader(practice_b), start=START, end=END)
    assert found.total.total == 1
    assert found.total.counts["not_sent"] == 1


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.NURSE, Role.COMMUNITY_HEALTH_WORKER])
def test_roles_without_the_measures_are_refused(log_in, practice_a, role):
    user = factories.make_staff(f"u-{role}", practice_a, role, first_name="A", last_name="B")
    assert log_in(user, practice_a).get(reverse("messaging:figures")).status_code == 403
    with pytest.raises(PermissionDenied):
        figures.figures(factories.actor_for(user, practice_a, role), start=START, end=END)


def test_the_page_shows_the_figures_in_a_few_queries(client_a, practice_a, outbox):
    url = reverse("messaging:figures")
    with CaptureQueriesContext(connection) as few:
        page = client_a.get(url, RANGE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Call list" in text and "On the call or print list" in text
    assert "the number replied STOP" in text
    for n in range(3, 13):
        child, carer = household(practice_a, n)
        message(practice_a, carer, child, kind=MessageKind.RECALL)
        visit(child, IN + timedelta(days=3), VisitStatus.COMPLETED)
    with CaptureQueriesContext(connection) as more:
        assert client_a.get(url, RANGE).status_code == 200
    assert len(more) == len(few)
    figure_queries = [q for q in few.captured_queries if "messaging_" in q["sql"]]
    assert len(figure_queries) <= 6


def test_the_outbox_links_the_figures_for_leaders_only(client_a, log_in, staff_a, practice_a):
    link, outbox_url = reverse("messaging:figures"), reverse("messaging:outbox")
    assert link in client_a.get(outbox_url).content.decode()
    desk = log_in(staff_a[Role.FRONT_DESK], practice_a)
    assert link not in desk.get(outbox_url).content.decode()


def test_a_range_backwards_or_too_long_says_so(client_a):
    url = reverse("messaging:figures")
    page = client_a.get(url, {"start": "2026-03-31", "end": "2026-03-01"})
    assert page.status_code == 200
    assert "The first day must not be after the last day." in page.content.decode()
    page = client_a.get(url, {"start": "2024-01-01", "end": "2026-03-01"})
    assert "Choose at most 366 days." in page.content.decode()
    page = client_a.get(url, {"start": "not a day"})
    assert "Enter a valid date." in page.content.decode()
    refused = client_a.get(url, {"start": "2026-03-31", "end": "2026-03-01", "format": "csv"})
    assert refused.status_code == 400


def test_the_default_range_is_the_last_30_days(client_a, time_machine):
    time_machine.move_to(datetime(2026, 3, 31, 12, 0, tzinfo=ZONE))
    page = client_a.get(reverse("messaging:figures"))
    assert (page.context["figures"].start, page.context["figures"].end) == (
        date(2026, 3, 2),
        date(2026, 3, 31),
    )


def rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_csv_hides_small_counts_and_is_audited(client_a, practice_a, outbox):
    response = client_a.get(reverse("messaging:figures"), {**RANGE, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = rows_of(response)
    planned = next(r for r in rows if r["section"] == "channel" and r["figure"] == "Planned")
    # 15 messages in all, but every group below is small: its total would give them away.
    assert (planned["group"], planned["count"]) == ("All messages", "15")
    texts = [r for r in rows if r["section"] == "channel" and r["group"] == "Text message"]
    assert all(r["count"] in ("", "0") for r in texts)
    assert all(r["suppressed"] == "suppressed" for r in texts if r["count"] == "")
    assert not any(r["count"] not in ("", "0") and 0 < int(r["count"]) < 11 for r in rows)
    # The total row is hidden alike under both groupings (they add up to the same total).
    totals = [
        [
            (r["figure"], r["count"])
            for r in rows
            if r["section"] == s and r["group"] == "All messages"
        ]
        for s in ("channel", "language")
    ]
    assert totals[0] == totals[1]
    event = AuditEvent.objects.get(object_type=FIGURES_OBJECT)
    assert event.action == Action.EXPORT


def test_csv_shows_counts_of_11_and_more_and_neutralises_formulas(client_a, practice_a):
    child, carer = household(practice_a, 1)
    for _ in range(12):
        message(practice_a, carer, child)
    for _ in range(11):
        message(
            practice_a,
            carer,
            child,
            status=MessageStatus.FAILED,
            error_code='=HYPERLINK("http://evil.example","x")',
        )
    rows = rows_of(client_a.get(reverse("messaging:figures"), {**RANGE, "format": "csv"}))
    delivered = next(r for r in rows if r["group"] == "Text message" and r["figure"] == "Delivered")
    assert delivered["count"] == "12"
    formula = [r for r in rows if "HYPERLINK" in "".join(r.values())]
    assert formula == []  # a gateway code is not a reason "not sent"; failures are counted
    for _ in range(11):
        message(
            practice_a,
            carer,
            child,
            status=MessageStatus.SUPPRESSED,
            error_code='=HYPERLINK("http://evil.example","x")',
        )
    rows = rows_of(client_a.get(reverse("messaging:figures"), {**RANGE, "format": "csv"}))
    reason = next(r for r in rows if r["section"] == "not_sent")
    assert reason["figure"].startswith("'=HYPERLINK")
    assert reason["count"] == "11"


def test_complementary_suppression_hides_a_second_cell():
    lines = [[("a", 5), ("b", 20), ("c", 0), ("total", 25)]]
    hidden = figures._hidden_in_lines(lines, set())
    # 5 is small; 25 - 20 would give it back, so 20 goes too; the zero stays shown.
    assert hidden == {"a", "b"}


def test_the_outbox_is_by_the_date_it_shows_and_paged_with_its_filter(
    client_a, practice_a, monkeypatch
):
    from medhome.messaging import selectors

    monkeypatch.setattr(selectors, "OUTBOX_PAGE", 2)
    child, carer = household(practice_a, 1)
    # Planned early, sent late: the outbox shows (and sorts by) the sending.
    late = message(practice_a, carer, child, send_after=IN, sent_at=IN + timedelta(days=3))
    middle = message(practice_a, carer, child, send_after=IN + timedelta(days=2))
    early = message(practice_a, carer, child, send_after=IN + timedelta(days=1))
    url = reverse("messaging:outbox")

    first = client_a.get(url, {"status": "delivered"})
    second = client_a.get(url, {"status": "delivered", "page": 2})

    shown = [line["message"].pk for line in first.context["lines"]]
    assert shown == [late.pk, middle.pk]
    assert [line["message"].pk for line in second.context["lines"]] == [early.pk]
    assert 'href="?status=delivered&amp;page=2"' in first.content.decode()
