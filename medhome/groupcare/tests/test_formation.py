"""Proposed cohorts: who is a candidate, and the greedy grouping by site, language and birth."""

from datetime import date, timedelta
from types import SimpleNamespace
from uuid import uuid4

import pytest

from medhome.groupcare import formation, services
from medhome.visits.models import Visit

from .support import NOW, baby

pytestmark = pytest.mark.django_db
TODAY = date(2026, 10, 1)  # the babies are about 4 weeks old


def test_candidates_are_young_on_the_panel_and_in_no_group(runner, practice_a, site_a, babies):
    too_old = baby(practice_a, 50, born=date(2026, 8, 1))
    services.form_cohort(
        actor=runner,
        name="G",
        site=site_a,
        language="es",
        born_from=babies[0].date_of_birth,
        born_to=babies[0].date_of_birth,
        facilitator_id=_clinician(practice_a),
        children=[babies[0]],
        at=NOW,
    )
    Visit.objects.create(
        practice=practice_a,
        child=babies[1],
        site=site_a,
        starts_at=NOW - timedelta(days=40),
        kind="well_child",
        status="completed",
        created_at=NOW,
    )

    found = {c.pk: c for c in formation.candidates(runner, TODAY)}

    assert set(found) == {b.pk for b in babies[1:]}
    assert too_old.pk not in found
    assert found[babies[1].pk].site_key == site_a.pk
    assert found[babies[2].pk].site_key is None
    assert {c.family_language for c in found.values()} == {"es"}


def _clinician(practice):
    from medhome.practices.models import Membership

    return Membership.objects.get(practice=practice, role="pediatrician").user_id


def _child(born: date, family=None, site=None, language="es"):
    return SimpleNamespace(
        pk=uuid4(),
        family_id=family or uuid4(),
        date_of_birth=born,
        site_key=site,
        family_language=language,
    )


def test_grouping_is_greedy_within_the_span_and_the_room():
    start = date(2026, 9, 1)
    twins = uuid4()
    children = [_child(start + timedelta(days=n)) for n in range(7)]
    children += [_child(start + timedelta(days=8), twins), _child(start + timedelta(days=8), twins)]
    children += [_child(start + timedelta(days=50))]
    children += [_child(start, language="en")]

    groups = formation.group(children, span_days=42, max_families=8)

    assert [(g.language, g.family_count, len(g.children)) for g in groups] == [
        ("en", 1, 1),
        ("es", 8, 9),  # seven babies and the twins: eight families
        ("es", 1, 1),  # born 50 days after the first: outside the span
    ]
    assert groups[1].born_from == start and groups[1].born_to == start + timedelta(days=8)


def test_a_full_group_starts_another_one():
    start = date(2026, 9, 1)
    children = [_child(start + timedelta(days=n)) for n in range(10)]

    groups = formation.group(children, span_days=42, max_families=8)

    assert [g.family_count for g in groups] == [8, 2]


def test_proposals_put_groups_with_enough_families_first(runner, babies, practice_a):
    baby(practice_a, 60, born=date(2026, 9, 25), language="en")

    found = formation.proposals(runner, TODAY)

    assert [(p.language, p.family_count, p.is_enough) for p in found] == [
        ("es", 6, True),
        ("en", 1, False),
    ]
