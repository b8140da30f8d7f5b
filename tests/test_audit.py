"""The audit trail: what is written for reads and changes, and that it cannot be rewritten."""

import json
from datetime import time

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from medhome.accounts.roles import Role
from medhome.audit.models import Action, AuditChainHead, AuditEvent, AuditTrailIsAppendOnly
from medhome.audit.services import event_hash, hashed_fields, record, verify_chain
from medhome.core.actor import Actor
from medhome.families.forms import ChildForm
from medhome.families.services import Window

from . import factories

pytestmark = pytest.mark.django_db


def new_events(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=since).order_by("pk"))


def last_event_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def stored_text(event: AuditEvent) -> str:
    return json.dumps(hashed_fields(event), default=str, ensure_ascii=False)


# --- What is written -----------------------------------------------------------------------------


def test_opening_a_chart_writes_one_view_event(client_a, clinician_a, practice_a, child_a):
    since = last_event_id()

    response = client_a.get(reverse("families:chart", kwargs={"child_id": child_a.pk}))

    assert response.status_code == 200
    [event] = new_events(since)
    assert (
        event.practice_id,
        event.actor_id,
        event.actor_label,
        event.role,
        event.action,
        event.object_type,
        event.object_id,
        event.detail,
    ) == (
        practice_a.pk,
        clinician_a.pk,
        "Amara Okafor",
        Role.PEDIATRICIAN,
        Action.VIEW,
        "child",
        str(child_a.pk),
        {},
    )
    assert len(event.request_id) == 32
    assert event.request_id == response["X-Request-ID"]


@pytest.mark.parametrize(
    ("url_name", "kwarg", "row", "object_type"),
    [
        ("families:edit_child", "child_id", "child_a", "child"),
        ("families:edit_preferences", "caregiver_id", "caregiver_a", "caregiver"),
        ("families:add_child", "family_id", "family_a", "family"),
        ("families:add_caregiver", "family_id", "family_a", "family"),
    ],
)
def test_opening_an_edit_form_is_a_read_and_is_audited(
    request, client_a, url_name, kwarg, row, object_type
):
    opened = request.getfixturevalue(row)
    since = last_event_id()

    response = client_a.get(reverse(url_name, kwargs={kwarg: opened.pk}))

    assert response.status_code == 200
    [event] = new_events(since)
    assert (event.action, event.object_type, event.object_id) == (
        Action.VIEW,
        object_type,
        str(opened.pk),
    )


def test_a_search_writes_the_count_but_not_the_query(client_a, clinician_a, child_a):
    since = last_event_id()

    response = client_a.post(reverse("families:search"), {"q": "Sofía Garc"})

    assert [str(c) for c in response.context["results"]] == ["Sofía García"]
    [event] = new_events(since)
    assert (event.actor_id, event.action, event.object_type, event.object_id, event.detail) == (
        clinician_a.pk,
        Action.SEARCH,
        "child",
        "",
        {"results": 1},
    )
    assert event.request_id == response["X-Request-ID"]
    assert "Sof" not in stored_text(event)
    assert "Garc" not in stored_text(event)


def test_a_search_by_birth_date_does_not_keep_the_date(client_a, child_a):
    since = last_event_id()

    client_a.post(reverse("families:search"), {"q": "05/17/2023"})

    [event] = new_events(since)
    assert event.detail == {"results": 1}
    assert "2023" not in json.dumps(event.detail)


def test_opening_the_search_page_writes_nothing(client_a, child_a):
    since = last_event_id()

    assert client_a.get(reverse("families:search")).status_code == 200

    assert new_events(since) == []


def test_registering_a_family_writes_three_create_events(client_a, clinician_a):
    since = last_event_id()

    response = client_a.post(reverse("families:register"), factories.register_form_data())

    assert response.status_code == 302
    events = new_events(since)
    assert [(e.action, e.object_type, e.actor_id) for e in events] == [
        (Action.CREATE, "family", clinician_a.pk),
        (Action.CREATE, "caregiver", clinician_a.pk),
        (Action.CREATE, "child", clinician_a.pk),
    ]
    assert {e.request_id for e in events} == {response["X-Request-ID"]}
    family_id = events[0].object_id
    assert [e.detail for e in events] == [
        {},
        {"family": family_id},
        {"fields": sorted(f for f in ChildForm.base_fields if f != "version")},
    ]
    for event in events:
        for value in ("Sofía", "García", "Marisol", "SG-100234", "2023-05-17", "6175550142"):
            assert value not in json.dumps(event.detail, ensure_ascii=False)


def test_adding_a_child_writes_field_names_not_values(client_a, family_a):
    since = last_event_id()
    url = reverse("families:add_child", kwargs={"family_id": family_a.pk})

    response = client_a.post(url, factories.child_form_data(legal_given_name="Mateo", mrn="MG-1"))

    assert response.status_code == 302
    [event] = new_events(since)
    assert (event.action, event.object_type) == (Action.CREATE, "child")
    assert event.detail == {"fields": sorted(f for f in ChildForm.base_fields if f != "version")}
    assert "Mateo" not in stored_text(event)
    assert "MG-1" not in stored_text(event)


def test_editing_a_child_writes_the_changed_field_names_only(client_a, child_a):
    since = last_event_id()
    url = reverse("families:edit_child", kwargs={"child_id": child_a.pk})

    response = client_a.post(
        url, factories.child_form_data_of(child_a, preferred_name="Sofi", city="Chelsea")
    )

    assert response.status_code == 302
    [event] = new_events(since)
    assert (event.action, event.object_type, event.object_id) == (
        Action.UPDATE,
        "child",
        str(child_a.pk),
    )
    assert event.detail == {"fields": ["city", "preferred_name"]}
    assert "Sofi" not in json.dumps(event.detail)
    assert "Chelsea" not in stored_text(event)


def test_saving_a_child_unchanged_writes_nothing(client_a, child_a):
    since = last_event_id()
    url = reverse("families:edit_child", kwargs={"child_id": child_a.pk})

    response = client_a.post(url, factories.child_form_data_of(child_a))

    assert response.status_code == 302
    assert new_events(since) == []
    child_a.refresh_from_db()
    assert child_a.version == 1


def test_editing_preferences_writes_the_changed_field_names_only(client_a, caregiver_a):
    since = last_event_id()
    url = reverse("families:edit_preferences", kwargs={"caregiver_id": caregiver_a.pk})
    windows = [Window(weekday=3, starts_at=time(12, 0), ends_at=time(13, 0))]

    response = client_a.post(
        url,
        factories.preferences_form_data(
            caregiver_a, windows=windows, strengths="We sing together", phone="+16175550177"
        ),
    )

    assert response.status_code == 302
    [event] = new_events(since)
    assert (event.action, event.object_type, event.object_id) == (
        Action.UPDATE,
        "caregiver",
        str(caregiver_a.pk),
    )
    assert event.detail == {
        "family": str(caregiver_a.family_id),
        "fields": ["availability", "phone", "strengths"],
    }
    assert "sing" not in stored_text(event)
    assert "6175550177" not in stored_text(event)


def test_adding_a_caregiver_writes_one_create_event(client_a, family_a):
    since = last_event_id()
    url = reverse("families:add_caregiver", kwargs={"family_id": family_a.pk})

    response = client_a.post(url, factories.caregiver_form_data(given_name="Rafael"))

    assert response.status_code == 302
    [event] = new_events(since)
    assert (event.action, event.object_type, event.detail) == (
        Action.CREATE,
        "caregiver",
        {"family": str(family_a.pk)},
    )
    assert "Rafael" not in stored_text(event)


def test_an_event_needs_a_practice(clinician_a):
    with pytest.raises(ValueError, match="an audit event needs a practice"):
        record(
            actor=Actor(user=clinician_a),
            action=Action.VIEW,
            object_type="child",
            at=timezone.now(),
        )


# --- Append-only -------------------------------------------------------------------------------


@pytest.fixture
def event(child_a) -> AuditEvent:
    return AuditEvent.objects.filter(practice=child_a.practice).order_by("sequence").first()


def assert_unchanged(event: AuditEvent) -> None:
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.role, stored.actor_label, stored.hash) == (
        event.role,
        event.actor_label,
        event.hash,
    )
    assert verify_chain(event.practice) == []


def test_an_event_cannot_be_saved_again(event):
    original_role = event.role
    event.role = "practice_admin"

    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()

    event.role = original_role
    assert_unchanged(event)


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()

    assert_unchanged(event)


def test_events_cannot_be_updated_or_deleted_in_bulk(event):
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(role="practice_admin")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditTrailIsAppendOnly), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["role"])

    assert_unchanged(event)


@pytest.mark.parametrize(
    "rewrite",
    [
        lambda e: QuerySet(AuditEvent).filter(pk=e.pk).update(role="practice_admin"),
        lambda e: QuerySet(AuditEvent).filter(pk=e.pk).delete(),
        lambda e: AuditEvent._base_manager.filter(pk=e.pk).update(actor_label="someone else"),
    ],
    ids=["plain-queryset-update", "plain-queryset-delete", "base-manager-update"],
)
def test_the_database_refuses_orm_paths_around_the_model(event, rewrite):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        rewrite(event)

    assert_unchanged(event)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET role = 'practice_admin' WHERE id = %s",
        "UPDATE audit_auditevent SET detail = '{}', hash = previous_hash WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
    ids=["update-role", "update-hash", "delete"],
)
def test_the_database_refuses_raw_sql_rewrites(event, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])

    assert_unchanged(event)


# --- The hash chain ----------------------------------------------------------------------------


def test_each_practice_has_its_own_intact_chain(client_a, child_a, child_b, practice_a, practice_b):
    client_a.get(reverse("families:chart", kwargs={"child_id": child_a.pk}))
    client_a.post(reverse("families:search"), {"q": "garcia"})

    sequences_a = list(
        AuditEvent.objects.filter(practice=practice_a)
        .order_by("sequence")
        .values_list("sequence", flat=True)
    )
    sequences_b = list(
        AuditEvent.objects.filter(practice=practice_b)
        .order_by("sequence")
        .values_list("sequence", flat=True)
    )
    assert sequences_a == [1, 2, 3, 4, 5]  # family, caregiver, child, view, search
    assert sequences_b == [1, 2, 3]
    assert verify_chain(practice_a) == []
    assert verify_chain(practice_b) == []
    head = AuditChainHead.objects.get(practice=practice_a)
    last = AuditEvent.objects.get(practice=practice_a, sequence=5)
    assert (head.sequence, head.hash) == (5, last.hash)


def forge(practice, *, sequence: int, previous_hash: str, hash_: str | None = None) -> AuditEvent:
    forged = AuditEvent(
        practice=practice,
        sequence=sequence,
        at=timezone.now(),
        actor=None,
        actor_label="Nobody",
        role=Role.PRACTICE_ADMIN,
        action=Action.VIEW,
        object_type="child",
        object_id="",
        request_id="",
        detail={},
        previous_hash=previous_hash,
    )
    forged.hash = hash_ or event_hash(previous_hash=previous_hash, fields=hashed_fields(forged))
    forged.save()
    return forged


def test_a_forged_row_with_a_bad_hash_is_reported(child_a, practice_a):
    head = AuditChainHead.objects.get(practice=practice_a)

    forge(practice_a, sequence=head.sequence + 1, previous_hash=head.hash, hash_="f" * 64)

    assert verify_chain(practice_a) == [head.sequence + 1]


def test_a_forged_row_that_does_not_link_is_reported(child_a, practice_a):
    head = AuditChainHead.objects.get(practice=practice_a)

    forge(practice_a, sequence=head.sequence + 1, previous_hash="0" * 64)

    assert verify_chain(practice_a) == [head.sequence + 1]


def test_a_gap_in_the_sequence_is_reported(child_a, practice_a):
    head = AuditChainHead.objects.get(practice=practice_a)

    forge(practice_a, sequence=head.sequence + 2, previous_hash=head.hash)

    assert verify_chain(practice_a) == [head.sequence + 2]


def test_verify_audit_chain_command_is_clean_on_intact_chains(
    child_a, child_b, practice_a, practice_b, capsys
):
    call_command("verify_audit_chain")

    out, err = capsys.readouterr()
    assert out.splitlines() == [f"{practice_a.pk}: intact", f"{practice_b.pk}: intact"]
    assert err == ""


def test_verify_audit_chain_command_fails_on_a_broken_chain(
    child_a, child_b, practice_a, practice_b, capsys
):
    head = AuditChainHead.objects.get(practice=practice_b)
    forge(practice_b, sequence=head.sequence + 1, previous_hash=head.hash, hash_="f" * 64)

    with pytest.raises(CommandError, match=r"^1 practice chain\(s\) broken$"):
        call_command("verify_audit_chain")

    out, err = capsys.readouterr()
    assert out.splitlines() == [f"{practice_a.pk}: intact"]
    assert err.splitlines() == [f"{practice_b.pk}: broken at sequence [{head.sequence + 1}]"]


def delete_newest(practice, count: int) -> None:
    """What someone with the database's keys could do: turn the append-only trigger off, delete the
    newest rows, put the trigger back. What is left still links; only the head tells."""
    last = AuditEvent.objects.filter(practice=practice).order_by("-sequence").first()
    doomed = AuditEvent.objects.filter(practice=practice, sequence__gt=last.sequence - count)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_auditevent_no_delete")
            doomed._raw_delete(connection.alias)
            cursor.execute(
                "CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent "
                "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
            )
        else:
            # Triggers off for this session only (the test database's user is a superuser).
            cursor.execute("SET LOCAL session_replication_role = replica")
            doomed._raw_delete(connection.alias)
            cursor.execute("SET LOCAL session_replication_role = origin")


@pytest.mark.parametrize("count", [1, 2])
def test_deleted_newest_rows_are_reported(child_a, practice_a, count):
    head = AuditChainHead.objects.get(practice=practice_a)

    delete_newest(practice_a, count)

    assert AuditEvent.objects.filter(practice=practice_a).count() == head.sequence - count
    assert verify_chain(practice_a) == [head.sequence - count + 1]


def test_a_chain_deleted_entirely_is_reported(child_a, practice_a):
    head = AuditChainHead.objects.get(practice=practice_a)

    delete_newest(practice_a, head.sequence)

    assert verify_chain(practice_a) == [1]


def test_verify_audit_chain_command_reports_a_truncated_chain(
    child_a, child_b, practice_a, practice_b, capsys
):
    head = AuditChainHead.objects.get(practice=practice_b)
    delete_newest(practice_b, 1)

    with pytest.raises(CommandError, match=r"^1 practice chain\(s\) broken$"):
        call_command("verify_audit_chain")

    _out, err = capsys.readouterr()
    assert err.splitlines() == [
        f"{practice_b.pk}: broken at sequence [{head.sequence}]",
        f"{practice_b.pk}: truncated: the head is at sequence {head.sequence} but the last "
        f"event is {head.sequence - 1}, so 1 newest event(s) are missing",
    ]


def test_a_perfect_forgery_appended_past_the_head_is_reported(child_a, practice_a):
    head = AuditChainHead.objects.get(practice=practice_a)

    forge(practice_a, sequence=head.sequence + 1, previous_hash=head.hash)

    assert verify_chain(practice_a) == [head.sequence + 1]


def test_a_newest_row_deleted_and_rewritten_is_reported(child_a, practice_a):
    head = AuditChainHead.objects.get(practice=practice_a)
    delete_newest(practice_a, 1)
    before = AuditEvent.objects.get(practice=practice_a, sequence=head.sequence - 1)

    forge(practice_a, sequence=head.sequence, previous_hash=before.hash)

    assert verify_chain(practice_a) == [head.sequence]
