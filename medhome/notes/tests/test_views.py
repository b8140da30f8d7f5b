"""The chart's team notes section and the notes pages: newest first with "show all", the add
form with and without htmx, refusals that keep what was typed, retracting, who may write, the
task's link back, another practice's rows, the audit of reads and a constant query count."""

import pytest
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import Action, AuditEvent
from medhome.notes import services
from medhome.notes.models import TeamNote
from tests import care_factories
from tests.budgets import CHART_QUERIES

from .conftest import MOMENT

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def chart(client, child) -> str:
    response = client.get(reverse("families:chart", args=[child.pk]))
    assert response.status_code == 200
    return response.content.decode()


def write(child, author, count: int) -> list[TeamNote]:
    notes = []
    for number in range(count):
        note = care_factories.team_note(child, author, body=f"Note number {number:02d}")
        TeamNote.objects.filter(pk=note.pk).update(created_at=MOMENT.replace(minute=number))
        notes.append(note)
    return notes


def test_the_chart_shows_the_ten_newest_notes_and_a_link_to_all(client_a, child_a, staff_a):
    write(child_a, staff_a[Role.NURSE], 12)

    page = chart(client_a, child_a)

    assert 'id="team-notes"' in page
    shown = [f"Note number {n:02d}" for n in range(12) if f"Note number {n:02d}" in page]
    assert shown == [f"Note number {n:02d}" for n in range(2, 12)]
    assert page.index("Note number 11") < page.index("Note number 02")  # newest first
    assert reverse("notes:child", args=[child_a.pk]) in page


def test_show_all_answers_the_section_with_every_note_and_is_audited(
    client_a, child_a, staff_a, clinician_a
):
    write(child_a, staff_a[Role.NURSE], 12)

    response = client_a.get(reverse("notes:child", args=[child_a.pk]), **HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page  # the section only
    assert all(f"Note number {n:02d}" in page for n in range(12))
    assert "Show all notes" not in page
    assert "@a-coordinator" in page  # the handles one may mention
    event = AuditEvent.objects.filter(action=Action.VIEW).latest("pk")
    assert (event.actor_id, event.object_type, event.object_id, event.detail) == (
        clinician_a.pk,
        "child",
        str(child_a.pk),
        {"section": "notes", "shown": 12},
    )


def test_the_notes_page_works_without_javascript(client_a, child_a, staff_a):
    write(child_a, staff_a[Role.NURSE], 1)
    response = client_a.get(reverse("notes:child", args=[child_a.pk]))
    assert response.status_code == 200
    assert "<html" in response.content.decode() and "Note number 00" in response.content.decode()


def test_adding_a_note_without_javascript_goes_back_to_the_chart(client_a, child_a, staff_a):
    response = client_a.post(
        reverse("notes:add", args=[child_a.pk]), {"body": "Dad asked for a call @a-chw"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("families:chart", args=[child_a.pk]) + "#team-notes"
    note = TeamNote.objects.get()
    assert (note.author, note.child, note.body) == (
        staff_a[Role.PEDIATRICIAN],
        child_a,
        "Dad asked for a call @a-chw",
    )
    assert "Dad asked for a call" in chart(client_a, child_a)


def test_adding_a_note_with_htmx_answers_the_section(client_a, child_a):
    response = client_a.post(
        reverse("notes:add", args=[child_a.pk]), {"body": "Seen today"}, **HTMX
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="team-notes"' in page and "Seen today" in page and "<html" not in page


def test_a_refused_note_keeps_what_was_typed_and_names_the_handle(client_a, child_a):
    url = reverse("notes:add", args=[child_a.pk])

    plain = client_a.post(url, {"body": "Ask @nobody-here about it"})
    swapped = client_a.post(url, {"body": "Ask @nobody-here about it"}, **HTMX)

    assert (plain.status_code, swapped.status_code) == (400, 200)  # htmx swaps 2xx only
    for response in (plain, swapped):
        page = response.content.decode()
        assert "No colleague in this practice can be mentioned as @nobody-here." in page
        assert "Ask @nobody-here about it</textarea>" in page
        assert "@a-coordinator" in page  # the handles, to correct it
    assert TeamNote.objects.count() == 0


def test_an_empty_note_is_refused_in_spanish_too(client_a, child_a):
    response = client_a.post(
        reverse("notes:add", args=[child_a.pk]), {"body": " "}, HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 400
    assert "Escriba la nota antes de guardarla." in response.content.decode()
    assert TeamNote.objects.count() == 0


def test_the_legal_partner_reads_notes_but_has_no_form_and_cannot_post(
    log_in, staff_a, practice_a, child_a
):
    write(child_a, staff_a[Role.NURSE], 1)
    client = log_in(staff_a[Role.LEGAL_PARTNER], practice_a)

    page = chart(client, child_a)

    assert "Note number 00" in page
    assert reverse("notes:add", args=[child_a.pk]) not in page
    posted = client.post(reverse("notes:add", args=[child_a.pk]), {"body": "hello"})
    assert posted.status_code == 403
    assert TeamNote.objects.count() == 1


def test_the_author_retracts_from_the_chart_and_the_note_shows_struck_through(
    log_in, staff_a, practice_a, child_a, nurse
):
    note = services.add_note(actor=nurse, child=child_a, body="Wrong family", at=MOMENT)
    client = log_in(staff_a[Role.NURSE], practice_a)
    assert reverse("notes:retract", args=[note.pk]) in chart(client, child_a)

    response = client.post(
        reverse("notes:retract", args=[note.pk]), {"reason": "Meant for a sibling"}, **HTMX
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<del>Wrong family</del>" in page
    assert "Meant for a sibling" in page
    assert reverse("notes:retract", args=[note.pk]) not in page  # once only


def test_a_colleague_cannot_retract_someone_elses_note(client_a, child_a, nurse):
    note = services.add_note(actor=nurse, child=child_a, body="Mine", at=MOMENT)
    assert reverse("notes:retract", args=[note.pk]) not in chart(client_a, child_a)

    response = client_a.post(reverse("notes:retract", args=[note.pk]), {"reason": "Not mine"})

    assert response.status_code == 403
    note.refresh_from_db()
    assert not note.is_retracted


def test_retracting_without_a_reason_is_refused_with_a_message(
    log_in, staff_a, practice_a, child_a, nurse
):
    note = services.add_note(actor=nurse, child=child_a, body="Mine", at=MOMENT)
    client = log_in(staff_a[Role.NURSE], practice_a)

    response = client.post(reverse("notes:retract", args=[note.pk]), {"reason": ""})

    assert response.status_code == 400
    assert "Say why the note was entered in error." in response.content.decode()
    note.refresh_from_db()
    assert not note.is_retracted


def test_the_mention_task_opens_the_chart_at_the_notes(log_in, staff_a, practice_a, child_a, nurse):
    note = services.add_note(actor=nurse, child=child_a, body="@a-coordinator look", at=MOMENT)
    client = log_in(staff_a[Role.CARE_COORDINATOR], practice_a)
    tasks_page = client.get(reverse("tasks:list")).content.decode()
    assert "Tomasz Nowakowski mentioned you in a note on this child&#x27;s chart" in tasks_page
    assert "look" not in tasks_page

    response = client.get(reverse("notes:open", args=[note.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("families:chart", args=[child_a.pk]) + "#team-notes"


def test_another_practices_notes_and_child_are_not_found(
    log_in, clinician_b, practice_b, child_a, nurse
):
    note = services.add_note(actor=nurse, child=child_a, body="Practice A only", at=MOMENT)
    client = log_in(clinician_b, practice_b)

    statuses = [
        client.get(reverse("notes:child", args=[child_a.pk])).status_code,
        client.post(reverse("notes:add", args=[child_a.pk]), {"body": "x"}).status_code,
        client.get(reverse("notes:open", args=[note.pk])).status_code,
        client.post(reverse("notes:retract", args=[note.pk]), {"reason": "x"}).status_code,
    ]

    assert statuses == [404, 404, 404, 404]
    assert TeamNote.objects.count() == 1
    note.refresh_from_db()
    assert not note.is_retracted


def test_the_chart_query_count_does_not_grow_with_notes(
    client_a, child_a, staff_a, django_assert_max_num_queries
):
    write(child_a, staff_a[Role.NURSE], 1)
    chart(client_a, child_a)  # warm the caches of the first request
    with django_assert_max_num_queries(CHART_QUERIES) as few:
        chart(client_a, child_a)
    write(child_a, staff_a[Role.NURSE], 15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        chart(client_a, child_a)


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_who_may_add_a_note_follows_the_capability_table(
    log_in, staff_a, practice_a, child_a, role
):
    from medhome.accounts.roles import ROLE_CAPABILITIES, Capability

    client = log_in(staff_a[role], practice_a)

    response = client.post(reverse("notes:add", args=[child_a.pk]), {"body": "A word"})

    allowed = Capability.NOTE_WRITE in ROLE_CAPABILITIES[role]
    assert response.status_code == (302 if allowed else 403)
    assert TeamNote.objects.count() == (1 if allowed else 0)
    assert allowed == (role not in {Role.LEGAL_PARTNER, Role.NETWORK_ANALYST, Role.PARENT_PARTNER})


def test_suggestions_list_the_colleagues_whose_handle_starts_as_typed(client_a):
    url = reverse("notes:suggest")

    typed = client_a.post(url, {"body": "Please call the family @a-n"}, **HTMX).content.decode()
    nothing = client_a.post(url, {"body": "No mention at the end"}, **HTMX).content.decode()
    unknown = client_a.post(url, {"body": "ask @zz"}, **HTMX).content.decode()

    assert "@a-np" in typed and "@a-nurse" in typed and "Lena Parkhurst" in typed
    assert "@a-chw" not in typed
    assert "@a-analyst" not in client_a.post(url, {"body": "@a-an"}).content.decode()
    assert nothing.strip() == ""
    assert "No colleague's handle starts with “@zz”." in unknown


def test_suggestions_are_refused_to_roles_that_do_not_write_notes(log_in, staff_a, practice_a):
    client = log_in(staff_a[Role.LEGAL_PARTNER], practice_a)
    assert client.post(reverse("notes:suggest"), {"body": "@a"}).status_code == 403


def test_the_notes_page_speaks_spanish(client_a, child_a, staff_a, nurse):
    services.add_note(actor=nurse, child=child_a, body="Nota", at=MOMENT)
    services.retract_note(actor=nurse, note=TeamNote.objects.get(), reason="Otro niño", at=MOMENT)
    page = client_a.get(
        reverse("notes:child", args=[child_a.pk]), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    for spanish in (
        "Notas del equipo",
        "Solo para el equipo de atención",
        "Nueva nota",
        "Identificadores de colegas que puede mencionar",
        "Ingresada por error (marcada por Tomasz Nowakowski",
        "Volver",
    ):
        assert spanish in page
    for english in ("Team notes", "New note", "Entered in error", "For the care team only"):
        assert english not in page


def test_the_section_answered_after_adding_a_note_is_an_audited_read(client_a, child_a):
    client_a.post(reverse("notes:add", args=[child_a.pk]), {"body": "Seen today"}, **HTMX)

    actions = list(
        AuditEvent.objects.order_by("pk").values_list("action", "object_type", "detail")
    )[-2:]
    assert actions[0][:2] == (Action.CREATE, "team_note")
    assert actions[1] == (Action.VIEW, "child", {"section": "notes", "shown": 1})
