"""Parent groups in tests (medhome.parentgroups): rows written directly, as the sweeps need one
of each per practice; the rules are exercised through the services in the app's own tests."""

from datetime import timedelta

from medhome.core import clock


def group(practice, leader, **overrides):
    from medhome.parentgroups.models import ParentGroup

    values = {
        "kind": "parent_circle",
        "name": "Círculo de padres",
        "languages": ["es"],
        "description": "Un espacio para hablar entre padres.",
        "leader": leader,
        "place": "Community room",
        "capacity": 8,
        "created_at": clock.now(),
    } | overrides
    return ParentGroup.objects.create(practice=practice, **values)


def meeting(group_, *, days: int = -7, **overrides):
    from medhome.parentgroups.models import Meeting

    values = {
        "starts_at": clock.now() + timedelta(days=days),
        "duration_minutes": 90,
        "topics": ["sleep"],
        "created_at": clock.now(),
    } | overrides
    return Meeting.objects.create(practice_id=group_.practice_id, group=group_, **values)


def sign_up(group_, caregiver, *, days: int = -30, **overrides):
    from medhome.parentgroups.models import SignUp

    values = {"how": "staff", "signed_up_at": clock.now() + timedelta(days=days)} | overrides
    return SignUp.objects.create(
        practice_id=group_.practice_id, group=group_, caregiver=caregiver, **values
    )


def parent_group_rows(caregiver, leader) -> dict:
    """A group of the caregiver's practice led by `leader`, a past meeting and the caregiver's
    live sign-up: the rows the URL sweeps fill group_id, meeting_id and signup_id with."""
    made = group(caregiver.practice, leader)
    return {
        "parent_group": made,
        "meeting": meeting(made),
        "signup": sign_up(made, caregiver),
    }
