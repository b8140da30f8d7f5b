"""Merging two records of one child (HL7 ADT A40, or a person who finds a duplicate).

Rules (docs/clinical-rules.md#ehr-merge; domain reference §2 "Merges"): both children belong to
one practice; the survivor keeps its MRN; the retired record's MRN and identifiers stay on the
survivor as retired identifiers, so later messages carrying them still match; ALL its history
moves to the survivor; identical coverages collapse to one; then the retired child row is
deleted — after the move nothing points at it, and the audit trail keeps both ids.

Every table that points at a child is found from `Child._meta` at run time, so a table added
later moves too without a change here (and without ehr importing the apps above it). Three
cases need a rule of their own:

- panel membership: one open span per child — the survivor's open span starts at the earlier
  of the two starts (the child was on the panel since then) and the retired open span folds in;
- a one-to-one row both children have (the care plan): the survivor's stays; the rows hanging
  off the retired one (goals, actions, versions) move to it, its versions numbered after the
  survivor's, and the family's words it held are added where the survivor's were empty;
- a conditional "one per child" row both have (the lead coordinator): the survivor's lead stays
  lead, the retired one moves as a member.
"""

from collections import Counter
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.families.models import (
    MRN_SYSTEM,
    Child,
    ChildIdentifier,
    Family,
    PanelMembership,
)
from medhome.families.services import CHILD_OBJECT

from .models import Coverage

FEED_ROLE = "feed"
# The child's own fields that the retired record may fill in on the survivor when the survivor's
# are empty (the family's words and clinical facts are not lost with the duplicate).
FILLABLE = (
    "preferred_name",
    "gender_identity",
    "pronouns",
    "race_ethnicity",
    "race_ethnicity_detail",
    "payer_member_id",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "primary_clinician",
    "gestational_age_weeks",
    "gestational_age_days",
    "birth_discharged_on",
)


def child_relations() -> list[models.ForeignObjectRel]:
    """Every relation from another table to Child, hidden ones (related_name="+") included; not
    the read-only SQL views over those tables (the FHIR API's `fhir_*_row`), which follow them."""
    return [
        field
        for field in Child._meta.get_fields(include_hidden=True)
        if isinstance(field, models.ForeignObjectRel) and field.related_model._meta.managed
    ]


def _rows(relation: models.ForeignObjectRel, child: Child) -> models.QuerySet:
    model = relation.related_model
    assert isinstance(model, type) and issubclass(model, models.Model)
    return model._default_manager.filter(**{relation.field.name: child})


def _check(actor: Actor, survivor: Child, retired: Child) -> None:
    if survivor.pk == retired.pk:
        raise ValidationError(_("A record cannot be merged with itself."))
    if survivor.practice_id != retired.practice_id:
        raise ValidationError(_("Children of different practices cannot be merged."))
    allowed = actor.role == FEED_ROLE or actor.can(Capability.FAMILY_EDIT)
    if not allowed or actor.practice_id != survivor.practice_id:
        raise PermissionDenied(_("You cannot merge records of this practice."))


@transaction.atomic
def merge_children(*, actor: Actor, survivor: Child, retired: Child, at: datetime) -> Child:
    """Move everything of `retired` to `survivor` and delete the retired row; ValidationError
    (nothing changed) for two practices or one child."""
    _check(actor, survivor, retired)
    survivor = Child.objects.select_for_update().get(pk=survivor.pk)
    retired = Child.objects.select_for_update().get(pk=retired.pk)
    moved: Counter[str] = Counter()
    _retire_identifiers(survivor, retired, at)
    _fold_memberships(survivor, retired)
    moved["ehr.Coverage collapsed"] = _collapse_coverages(survivor, retired)
    for relation in child_relations():
        model, name, rows = relation.related_model, relation.field.name, _rows(relation, retired)
        assert isinstance(model, type) and issubclass(model, models.Model)
        if relation.one_to_one:
            moved[model._meta.label] += _move_one_to_one(model, name, survivor, retired)
            continue
        _demote_conditional_uniques(model, name, survivor, rows)
        moved[model._meta.label] += rows.update(**{name: survivor})
    filled = _fill_survivor(survivor, retired, at)
    old_family = retired.family
    retired_id, retired_mrn = retired.pk, retired.mrn
    if any(_rows(relation, retired).exists() for relation in child_relations()):
        # A guard: deleting would cascade these rows away — refuse the whole merge instead.
        raise ValidationError(_("The merge could not move every record; nothing was changed."))
    retired.delete()
    _fold_family(survivor.family, old_family)
    record(
        actor=actor,
        action=Action.UPDATE,
        object_type=CHILD_OBJECT,
        object_id=survivor.pk,
        at=at,
        practice=survivor.practice,
        detail={
            "merged_from": str(retired_id),
            "fields": filled,
            "moved": {label: n for label, n in sorted(moved.items()) if n},
        },
    )
    # The retired record's own trail ends with where it went (ids only, no PHI).
    record(
        actor=actor,
        action=Action.UPDATE,
        object_type=CHILD_OBJECT,
        object_id=retired_id,
        at=at,
        practice=survivor.practice,
        detail={"merged_into": str(survivor.pk), "retired_mrn": bool(retired_mrn)},
    )
    return survivor


def _retire_identifiers(survivor: Child, retired: Child, at: datetime) -> None:
    ChildIdentifier.objects.filter(child=retired).update(child=survivor, retired=True)
    ChildIdentifier.objects.get_or_create(
        practice=survivor.practice,
        system=MRN_SYSTEM,
        value=retired.mrn,
        defaults={"child": survivor, "retired": True, "created_at": at},
    )


def _fold_memberships(survivor: Child, retired: Child) -> None:
    drop = PanelMembership.objects.filter(child=retired, ends_on__isnull=True).first()
    keep = PanelMembership.objects.filter(child=survivor, ends_on__isnull=True).first()
    if drop is None or keep is None:
        return  # at most one open span: it moves with the others
    keep.starts_on = min(keep.starts_on, drop.starts_on)
    keep.primary_clinician = keep.primary_clinician or drop.primary_clinician
    keep.save(update_fields=["starts_on", "primary_clinician"])
    drop.delete()


def _coverage_key(coverage: Coverage) -> tuple[Any, ...]:
    return (coverage.payer, coverage.payer_name, coverage.member_id, coverage.starts_on)


def _collapse_coverages(survivor: Child, retired: Child) -> int:
    """A coverage of the retired record identical to one of the survivor's is the same
    coverage twice: drop it (the survivor's row stays)."""
    kept = {_coverage_key(c) for c in Coverage.objects.filter(child=survivor)}
    twins = [c.pk for c in Coverage.objects.filter(child=retired) if _coverage_key(c) in kept]
    Coverage.objects.filter(pk__in=twins).delete()
    return len(twins)


def _demote_conditional_uniques(
    model: type[models.Model], name: str, survivor: Child, rows: models.QuerySet
) -> None:
    """A "one per child where flag is true" row both children have: the moved one drops the
    flag (the survivor's lead coordinator stays lead)."""
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint) or constraint.condition is None:
            continue
        if name in constraint.fields and len(constraint.fields) > 1:
            _refuse_clashes(model, name, survivor, rows, constraint)
            continue
        if tuple(constraint.fields) != (name,) or model is PanelMembership:
            continue
        flags = [c for c in constraint.condition.children if isinstance(c, tuple)]
        condition = Q(*flags)
        if not model._default_manager.filter(condition, **{name: survivor}).exists():
            continue
        if len(flags) != 1 or flags[0][1] is not True:
            raise ValidationError(_("The merge could not move every record; nothing was changed."))
        rows.filter(condition).update(**{flags[0][0]: False})


def _refuse_clashes(
    model: type[models.Model],
    name: str,
    survivor: Child,
    rows: models.QuerySet,
    constraint: models.UniqueConstraint,
) -> None:
    """A "one open row per child and something" (one open enrolment per program and child) both
    children hold for the same something: moving it would break the rule, so the whole merge is
    refused with a message (a colleague closes one first) rather than failing in the database."""
    assert constraint.condition is not None
    others = [field for field in constraint.fields if field != name]
    survivor_rows = model._default_manager.filter(constraint.condition, **{name: survivor})
    clashing = rows.filter(constraint.condition).filter(
        Exists(survivor_rows.filter(**{field: OuterRef(field) for field in others}))
    )
    if clashing.exists():
        raise ValidationError(
            _(
                "Both records have an open %(what)s of the same kind; close one of them, then "
                "merge. Nothing was changed."
            )
            % {"what": model._meta.verbose_name}
        )


def _move_one_to_one(model: type[models.Model], name: str, survivor: Child, retired: Child) -> int:
    manager = model._default_manager
    drop = manager.filter(**{name: retired}).first()
    if drop is None:
        return 0
    keep = manager.filter(**{name: survivor}).first()
    if keep is None:
        manager.filter(pk=drop.pk).update(**{name: survivor})
        return 1
    for relation in model._meta.get_fields(include_hidden=True):
        if not isinstance(relation, models.ForeignObjectRel):
            continue
        related, fk = relation.related_model, relation.field.name
        assert isinstance(related, type) and issubclass(related, models.Model)
        rows = related._default_manager.filter(**{fk: drop})
        for counter in _counters(related, fk):  # e.g. (plan, version): number after the keep's
            top = related._default_manager.filter(**{fk: keep}).aggregate(top=Max(counter))["top"]
            rows.update(**{counter: models.F(counter) + (top or 0)})
        rows.update(**{fk: keep})
    changed = []
    for field in model._meta.concrete_fields:
        if isinstance(field, models.TextField) and not getattr(keep, field.attname):
            setattr(keep, field.attname, getattr(drop, field.attname))
            changed.append(field.attname)
    if hasattr(keep, "version"):
        keep.version += getattr(drop, "version", 0)
        changed.append("version")
    if changed:
        keep.save(update_fields=changed)
    drop.delete()
    return 1


def _counters(model: type[models.Model], fk: str) -> list[str]:
    """Fields numbered per parent: a unique (fk, counter) constraint."""
    found = []
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.condition is None:
            fields = tuple(constraint.fields)
            if len(fields) == 2 and fields[0] == fk:
                found.append(fields[1])
    return found


def _fill_survivor(survivor: Child, retired: Child, at: datetime) -> list[str]:
    filled = [
        name
        for name in FILLABLE
        if not getattr(survivor, name) and getattr(retired, name) not in (None, "", [])
    ]
    for name in filled:
        setattr(survivor, name, getattr(retired, name))
    if retired.has_special_health_care_needs and not survivor.has_special_health_care_needs:
        survivor.has_special_health_care_needs = True
        filled.append("has_special_health_care_needs")
    survivor.refresh_derived_fields()
    survivor.version += 1
    survivor.updated_at = at
    survivor.save()
    return filled


def _fold_family(family: Family, old: Family) -> None:
    """The retired record's household, left without children, joins the survivor's: its
    caregivers and every other row that points at the household (found from `Family._meta`,
    e.g. its case reviews) move there and the empty household goes (one household, nothing
    lost)."""
    if old.pk == family.pk or old.children.exists():
        return
    for relation in Family._meta.related_objects:
        if relation.one_to_many and relation.related_model is not Child:
            relation.related_model._default_manager.filter(**{relation.field.name: old}).update(
                **{relation.field.name: family}
            )
    old.delete()
