"""The chart's program forms: enrol, the enrolment's steps, and a contact recorded in seconds —
each showing only the fields its program's contact kinds need (docs/clinical-rules.md#programs).
The rules are the services'; a form only parses, and a service's ValidationError lands on the
field it names (medhome.core.forms.attach_errors)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from medhome.families.languages import language_choices, normalize_language
from medhome.families.models import Caregiver, Child

from . import definitions as d
from .models import REASON_MAX_LENGTH, TEXT_MAX_LENGTH, Agreement, EnrolmentStatus, Program

DATE = forms.DateInput(attrs={"type": "date"})

# Which contact kinds ask for which fields (the services say which are required).
SETTING_KINDS = {"hs_consult", "hs_team_visit", "chw_outreach", "chw_visit"}
TOPIC_KINDS = {"hs_consult", "hs_team_visit", "dulce_visit"}
GOAL_KINDS = {"vip_session", "dulce_case_review"}
SUPPORT_KINDS = {"dulce_visit", "dulce_case_review", "chw_outreach", "chw_visit"}


def _people(users: list[Any]) -> list[tuple[str, str]]:
    return [(str(user.pk), user.get_full_name() or user.username) for user in users]


class _StaffChoice(forms.Form):
    def _set_staff(self, colleagues: list[Any], *, label: Any) -> None:
        self.colleagues = {str(user.pk): user for user in colleagues}
        self.fields["staff"] = forms.ChoiceField(
            label=label,
            choices=[("", _("No one yet")), *_people(colleagues)],
            required=False,
        )

    def staff(self) -> Any:
        return self.colleagues.get(self.cleaned_data.get("staff") or "")


class EnrolForm(_StaffChoice):
    on = forms.DateField(label=_("Enrolled on"), widget=DATE)
    agreement = forms.ChoiceField(
        label=_("How the family agreed"), choices=Agreement.choices, widget=forms.RadioSelect
    )
    agreed_by = forms.ModelChoiceField(
        label=_("Caregiver who agreed"), queryset=Caregiver.objects.none(), required=False
    )

    def __init__(
        self,
        *args: Any,
        program: Program,
        child: Child,
        colleagues: list[Any],
        may_override: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        caregivers = self.fields["agreed_by"]
        assert isinstance(caregivers, forms.ModelChoiceField)
        caregivers.queryset = Caregiver.objects.filter(family_id=child.family_id).order_by(
            "-is_primary_contact", "given_name"
        )
        if program.has_tiers:
            self.fields["tier"] = forms.ChoiceField(
                label=_("Tier"), choices=[(t["key"], t["name"]) for t in program.tiers]
            )
        self._set_staff(colleagues, label=_("On whose caseload"))
        if may_override:
            self.fields["override_reason"] = forms.CharField(
                label=_("Why enrol outside the eligibility (only when the child is outside it)"),
                max_length=REASON_MAX_LENGTH,
                required=False,
            )


# The steps of an open enrolment (POST "action"), each with what it asks.
ACTIONS = {
    "tier": _("Change the tier"),
    EnrolmentStatus.DECLINED: _("The family declined"),
    EnrolmentStatus.GRADUATED: _("Graduated"),
    EnrolmentStatus.LEFT: _("Left the program"),
    "assign": _("Put on a colleague's caseload"),
}


class EndForm(forms.Form):
    on = forms.DateField(label=_("On"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX_LENGTH, required=False)


class TierForm(forms.Form):
    on = forms.DateField(label=_("From"), widget=DATE)
    reason = forms.CharField(label=_("Why the tier changes"), max_length=REASON_MAX_LENGTH)

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tier"] = forms.ChoiceField(
            label=_("New tier"), choices=[(t["key"], t["name"]) for t in program.tiers]
        )
        self.order_fields(["tier", "reason", "on"])


class AssignForm(_StaffChoice):
    def __init__(self, *args: Any, colleagues: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_staff(colleagues, label=_("On whose caseload"))


class ContactForm(forms.Form):
    """One program's contact: only the fields its kinds need, dated today by default."""

    # Blank means today (the chart's one-click "Give a book" sends none).
    on = forms.DateField(label=_("Date"), widget=DATE, required=False)

    def __init__(
        self,
        *args: Any,
        program: Program,
        child: Child,
        organizations: list[Any],
        may_override: bool = False,
        # Without it (a program's family page) supports are named, never referred from here.
        may_refer: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        kinds = list(program.contact_kinds or ["contact"])
        if program.universal and may_override:
            # A book before 6 months (an older sibling's reading time, a parent's request): the
            # clinician's reason, only needed when the child is outside the ages.
            self.fields["override_reason"] = forms.CharField(
                label=_("If the child is outside the program's ages, why"),
                max_length=REASON_MAX_LENGTH,
                required=False,
            )
        self.kinds = set(kinds)
        choices = [(kind, d.CONTACT_KINDS.get(kind, kind)) for kind in kinds]
        self.fields["kind"] = forms.ChoiceField(
            label=_("What happened"),
            choices=choices,
            initial=kinds[0],
            widget=forms.RadioSelect if len(kinds) > 1 else forms.HiddenInput,
        )
        if "book_given" in self.kinds:
            try:
                family_language = normalize_language(child.preferred_language)
            except ValidationError:  # an unknown code: the person chooses
                family_language = ""
            self.fields["book_language"] = forms.ChoiceField(
                label=_("Language of the book"),
                choices=language_choices(),
                initial=family_language,
            )
        if self.kinds & SETTING_KINDS:
            self.fields["setting"] = forms.ChoiceField(
                label=_("Where"),
                choices=[("", "—"), *d.SETTINGS.items()],
                required=False,
            )
        if "chw_outreach" in self.kinds:
            self.fields["outcome"] = forms.ChoiceField(
                label=_("Outcome of the outreach attempt"),
                choices=[("", "—"), *d.OUTREACH_OUTCOMES.items()],
                required=False,
            )
        if self.kinds & GOAL_KINDS:
            self.fields["goals"] = forms.CharField(
                label=_("Goals the parent set")
                if "vip_session" in self.kinds
                else _("Goals and decisions"),
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=TEXT_MAX_LENGTH,
                required=False,
            )
        if self.kinds & TOPIC_KINDS:
            self.fields["topics"] = forms.MultipleChoiceField(
                label=_("Topics"),
                choices=list(d.TOPICS.items()),
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        if self.kinds & SUPPORT_KINDS:
            self.fields["supports"] = forms.MultipleChoiceField(
                label=_("Concrete supports the family needs"),
                choices=list(d.SUPPORTS.items()),
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        if self.kinds & SUPPORT_KINDS and may_refer:
            self.organizations = {str(org.pk): org for org in organizations}
            partner_choices = [("", _("None yet"))] + [
                (key, org.name) for key, org in self.organizations.items()
            ]
            self.fields["organization"] = forms.ChoiceField(
                label=_("Partner organization to refer to"),
                choices=partner_choices,
                required=False,
            )
            self.fields["legal_organization"] = forms.ChoiceField(
                label=_("Legal partner, when a legal step is needed"),
                choices=partner_choices,
                required=False,
            )
        self.fields["strengths"] = forms.CharField(
            label=_("What the parent is doing well"),
            widget=forms.Textarea(attrs={"rows": 2}),
            max_length=TEXT_MAX_LENGTH,
            required=False,
        )
        self.fields["protective_factors"] = forms.MultipleChoiceField(
            label=_("Protective factors seen"),
            choices=list(d.PROTECTIVE_FACTORS.items()),
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        self.fields["caregiver"] = forms.ModelChoiceField(
            label=_("About which caregiver"),
            queryset=Caregiver.objects.filter(family_id=child.family_id).order_by(
                "-is_primary_contact", "given_name"
            ),
            required=False,
            empty_label=_("The family"),
        )
        self.fields["show_family"] = forms.BooleanField(
            label=_("Show the family what they are doing well"), required=False, initial=True
        )
        self.fields["note"] = forms.CharField(
            label=_("Note for the team"),
            widget=forms.Textarea(attrs={"rows": 2}),
            max_length=TEXT_MAX_LENGTH,
            required=False,
        )

    def contact_fields(self) -> dict[str, Any]:
        """The service's keyword arguments (record_contact's **fields)."""
        data = self.cleaned_data
        keys = (
            "setting",
            "outcome",
            "topics",
            "book_language",
            "goals",
            "strengths",
            "protective_factors",
            "caregiver",
            "show_family",
            "note",
            "override_reason",
        )
        return {key: data[key] for key in keys if key in data}

    def supports(self) -> list[str]:
        return list(self.cleaned_data.get("supports") or [])

    def organization(self, field: str = "organization") -> Any:
        return getattr(self, "organizations", {}).get(self.cleaned_data.get(field) or "")
