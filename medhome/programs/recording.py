"""A contact recorded from a form: the one path behind the chart's contact form and a program's
family page (docs/clinical-rules.md#parent-partners). The form is bound here, the contact and the
concrete supports it names are written together (all or nothing), and a service's refusal lands
on the form's fields. Who may refer (drafting a referral to a partner organization) sees the
organization fields; the family page never refers — the team does that from the chart."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.core.forms import attach_errors
from medhome.directory.selectors import practice_partners
from medhome.families.models import Child
from medhome.referrals.models import Referral
from medhome.visits.selectors import visits_on

from . import contacts, supports
from .chart_forms import ContactForm
from .models import Program


def contact_form(
    actor: Actor, data: Any, *, program: Program, child: Child, may_refer: bool
) -> ContactForm:
    partners = practice_partners(actor.practice) if may_refer else []
    return ContactForm(
        data,
        program=program,
        child=child,
        organizations=[partner.organization for partner in partners],
        may_refer=may_refer,
        may_override=actor.can(Capability.PROGRAM_OVERRIDE),
        initial={"on": clock.today()},
    )


def _today_visit(actor: Actor, child: Child) -> Any:
    """Today's visit of the child, to link the contact to (none for a reader without the
    chart: visits are chart reads)."""
    return visits_on(actor, clock.today()).filter(child=child).first()


def save(
    actor: Actor, form: ContactForm, *, program: Program, child: Child
) -> list[Referral] | None:
    """Record the contact a valid form describes and the supports it names, with their draft
    referrals. The referrals drafted, or None when a service refused (its messages are then on
    the form's fields and nothing is saved)."""
    at = clock.now()
    try:
        with transaction.atomic():
            recorded = contacts.record_contact(
                actor=actor,
                program=program,
                child=child,
                kind=form.cleaned_data["kind"],
                on=form.cleaned_data["on"] or clock.today(),
                at=at,
                visit=_today_visit(actor, child),
                **form.contact_fields(),
            )
            noted = []
            if form.supports():
                noted = supports.note_supports(
                    actor=actor,
                    contact=recorded,
                    supports=form.supports(),
                    organization=form.organization(),
                    legal_organization=form.organization("legal_organization"),
                    at=at,
                )
    except ValidationError as error:
        attach_errors(form, error)
        return None
    return [
        referral
        for row in noted
        for referral in (row.referral, row.legal_referral)
        if referral is not None
    ]
