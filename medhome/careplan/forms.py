"""Forms of the plan pages: they parse; the services decide."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from medhome.accounts.models import User
from medhome.directory.models import Organization
from medhome.families.models import Caregiver

from . import selectors
from .models import (
    ActionStatus,
    CarePlan,
    CareTeamMember,
    ExternalRole,
    Goal,
    GoalStatus,
    MemberKind,
)

FAMILY_LANGUAGES = ("en", "es")


def family_language(plan: CarePlan) -> str:
    """The language the family reads: the primary caregiver's where medhome has it."""
    caregivers = sorted(plan.child.family.caregivers.all(), key=lambda c: not c.is_primary_contact)
    for caregiver in caregivers:
        if caregiver.preferred_language in FAMILY_LANGUAGES:
            return caregiver.preferred_language
    language = plan.child.preferred_language
    return language if language in FAMILY_LANGUAGES else "en"


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _rows(form: forms.Form, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    family_priorities = forms.CharField(
        label=_("What matters most to the family, in their words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    family_strengths = forms.CharField(
        label=_("The family's strengths, in their words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    review_on = forms.DateField(label=_("Review the plan on"), required=False, widget=DateInput)


def _owner_choices(plan: CarePlan) -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]] = [("", _("No owner yet"))]
    for caregiver in plan.child.family.caregivers.all():
        choices.append((f"c:{caregiver.pk}", str(caregiver)))
    for member in selectors.team_of(plan.child):
        if member.kind != MemberKind.CAREGIVER:
            label = f"{member.display_name} ({member.role_label or member.get_kind_display()})"
            choices.append((f"m:{member.pk}", label))
    return choices


def parse_owner(plan: CarePlan, value: str) -> dict[str, Any]:
    """ "c:<id>" is a caregiver of the family, "m:<id>" a member of the child's team."""
    owner: dict[str, Any] = {"owner_caregiver": None, "owner_member": None}
    kind, _sep, pk = (value or "").partition(":")
    if kind == "c":
        owner["owner_caregiver"] = plan.child.family.caregivers.filter(pk=pk).first()
    elif kind == "m":
        owner["owner_member"] = selectors.team_of(plan.child).filter(pk=pk).first()
    return owner


def owner_value(item: Any) -> str:
    if item.owner_caregiver_id:
        return f"c:{item.owner_caregiver_id}"
    if item.owner_member_id:
        return f"m:{item.owner_member_id}"
    return ""


class GoalForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(label=_("Goal"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    target_on = forms.DateField(label=_("Target date"), required=False, widget=DateInput)
    status = forms.ChoiceField(
        label=_("Status"), choices=GoalStatus.choices, initial=GoalStatus.NOT_STARTED
    )

    def __init__(self, *args: Any, plan: CarePlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        _choices(self, "owner").choices = _owner_choices(plan)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "text": data["text"],
            "target_on": data["target_on"],
            "status": data["status"],
            **parse_owner(self.plan, data["owner"]),
        }


class ActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}))
    goal = forms.ChoiceField(label=_("For the goal"), required=False)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    due_on = forms.DateField(label=_("Due"), required=False, widget=DateInput)
    status = forms.ChoiceField(
        label=_("Status"), choices=ActionStatus.choices, initial=ActionStatus.TO_DO
    )
    referral = forms.ChoiceField(label=_("Comes from the referral"), required=False)
    screening = forms.ChoiceField(label=_("Comes from the screening"), required=False)

    def __init__(
        self, *args: Any, plan: CarePlan, may_see_confidential: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        # An adolescent's own screens and referrals are offered only to the clinical team.
        self.confidential = may_see_confidential
        none = [("", "—")]
        _choices(self, "owner").choices = _owner_choices(plan)
        _choices(self, "goal").choices = none + [
            (str(goal.pk), str(goal)) for goal in selectors.goals_of(plan)
        ]
        _choices(self, "referral").choices = none + [
            (str(r.pk), f"{r.get_need_display()} · {r.organization.name}")
            for r in selectors.linkable_referrals(plan, confidential=self.confidential)
        ]
        _choices(self, "screening").choices = none + [
            (str(s.pk), f"{s.instrument_key} · {s.submitted_at:%Y-%m-%d}")
            for s in selectors.linkable_screenings(plan, confidential=self.confidential)
            if s.submitted_at
        ]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        plan = self.plan
        return {
            "text": data["text"],
            "due_on": data["due_on"],
            "status": data["status"],
            "goal": selectors.goals_of(plan).filter(pk=data["goal"]).first()
            if data["goal"]
            else None,
            "referral": selectors.linkable_referrals(plan, confidential=self.confidential)
            .filter(pk=data["referral"])
            .first()
            if data["referral"]
            else None,
            "screening": selectors.linkable_screenings(plan, confidential=self.confidential)
            .filter(pk=data["screening"])
            .first()
            if data["screening"]
            else None,
            **parse_owner(plan, data["owner"]),
        }


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Progress note"), widget=forms.Textarea(attrs={"rows": 2}))


class MemberForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("Who"), choices=MemberKind.choices)
    user = forms.ModelChoiceField(
        label=_("Staff member"), queryset=User.objects.none(), required=False
    )
    caregiver = forms.ModelChoiceField(
        label=_("Caregiver"), queryset=Caregiver.objects.none(), required=False
    )
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    organization = forms.CharField(label=_("Organization"), required=False, max_length=200)
    external_role = forms.ChoiceField(
        label=_("Role outside the practice"),
        choices=[("", "—"), *ExternalRole.choices],
        required=False,
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    email = forms.EmailField(label=_("Email"), required=False)
    role_label = forms.CharField(label=_("Role on the team"), required=False, max_length=120)
    is_lead_coordinator = forms.BooleanField(label=_("Lead care coordinator"), required=False)

    def __init__(self, *args: Any, plan: CarePlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _rows(self, "user").queryset = User.objects.filter(
            memberships__practice_id=plan.practice_id,
            memberships__is_active=True,
            is_active=True,
        ).order_by("last_name", "first_name")
        caregivers = plan.child.family.caregivers.order_by("-is_primary_contact", "given_name")
        _rows(self, "caregiver").queryset = caregivers
        # The link is for one caregiver; the primary contact unless staff choose another.
        self.fields["caregiver"].initial = caregivers.first()

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            field: data[field]
            for field in (
                "name",
                "organization",
                "external_role",
                "phone",
                "email",
                "role_label",
                "is_lead_coordinator",
            )
        }


def member_initial(member: CareTeamMember) -> dict[str, Any]:
    return {
        "version": member.version,
        "kind": member.kind,
        "user": member.user_id,
        "caregiver": member.caregiver_id,
        "name": member.name,
        "organization": member.organization,
        "external_role": member.external_role,
        "phone": member.phone,
        "email": member.email,
        "role_label": member.role_label,
        "is_lead_coordinator": member.is_lead_coordinator,
    }


class FamilyLinkForm(forms.Form):
    caregiver = forms.ModelChoiceField(label=_("Send to"), queryset=Caregiver.objects.none())

    def __init__(self, *args: Any, plan: CarePlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        caregivers = plan.child.family.caregivers.order_by("-is_primary_contact", "given_name")
        _rows(self, "caregiver").queryset = caregivers
        # The link is for one caregiver; the primary contact unless staff choose another.
        self.fields["caregiver"].initial = caregivers.first()


class FamilyGoalForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(label=_("Our goal"), widget=forms.Textarea(attrs={"rows": 3}))
    target_on = forms.DateField(label=_("By when"), required=False, widget=DateInput)
    status = forms.ChoiceField(
        label=_("How it is going"),
        choices=GoalStatus.choices,
        initial=GoalStatus.NOT_STARTED,
        required=False,
    )


class FamilyNoteForm(forms.Form):
    text = forms.CharField(
        label=_("A note about this goal"), widget=forms.Textarea(attrs={"rows": 2})
    )


# --- Outside members of the care team -----------------------------------------------------


class InviteOutsideForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    external_role = forms.ChoiceField(
        label=_("Role"), choices=[("", "—"), *ExternalRole.choices], required=False
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    organization = forms.ModelChoiceField(
        label=_("Their organization"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("One of the practice's partners in the directory."),
    )
    new_organization = forms.CharField(
        label=_("Or a new organization"),
        max_length=200,
        required=False,
        help_text=_("Only if it is not in the list: it becomes one of the practice's partners."),
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _rows(self, "organization").queryset = organizations


GIVEN_BY_ADOLESCENT = "adolescent"


class OutsideConsentForm(forms.Form):
    given_by = forms.ChoiceField(label=_("Who agreed"))
    shared_items = forms.MultipleChoiceField(
        label=_("What is shared besides the care plan"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    method = forms.ChoiceField(label=_("How consent was given"))

    def __init__(self, *args: Any, member: CareTeamMember, **kwargs: Any) -> None:
        from medhome.referrals.models import ConsentMethod

        from .models import OutsideItem

        super().__init__(*args, **kwargs)
        caregivers = Caregiver.objects.filter(
            practice_id=member.practice_id, family_id=member.child.family_id
        ).order_by("-is_primary_contact", "given_name")
        _choices(self, "given_by").choices = [
            ("", "—"),
            *[(str(c.pk), str(c)) for c in caregivers],
            (GIVEN_BY_ADOLESCENT, _("The adolescent, for their own items")),
        ]
        _choices(self, "shared_items").choices = [
            choice for choice in OutsideItem.choices if choice[0] != OutsideItem.CARE_PLAN
        ]
        _choices(self, "method").choices = [("", "—"), *ConsentMethod.choices]
        self.caregivers = {str(c.pk): c for c in caregivers}

    def values(self) -> dict[str, Any]:
        given_by = self.cleaned_data["given_by"]
        return {
            "caregiver": self.caregivers.get(given_by),
            "adolescent": given_by == GIVEN_BY_ADOLESCENT,
            "shared_items": list(self.cleaned_data["shared_items"]),
            "method": self.cleaned_data["method"],
        }


class RevokeOutsideForm(forms.Form):
    reason = forms.CharField(label=_("Why consent is revoked"), max_length=500, required=False)


class OutsideNoteForm(forms.Form):
    goal = forms.ModelChoiceField(label=_("Goal"), queryset=Goal.objects.none())
    text = forms.CharField(label=_("Progress note"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, goals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _rows(self, "goal").queryset = goals
