"""The cycle's form and the stage change's. Fields are not required here: the service says what
is missing in its own words (services._errors), so the page and the service speak alike."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from medhome.measures import definitions, strata
from medhome.practices.models import Membership

from . import services
from .models import SHORT_MAX_LENGTH, TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, Decision, Stage

DATE = forms.DateInput(attrs={"type": "date"})


def _text(label, *, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class CycleForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("The change you are testing"),
        required=False,
        max_length=TITLE_MAX_LENGTH,
    )
    aim_what = forms.CharField(
        label=gettext_lazy("Aim: what will improve"), required=False, max_length=SHORT_MAX_LENGTH
    )
    aim_how_much = forms.CharField(
        label=gettext_lazy("Aim: by how much"), required=False, max_length=SHORT_MAX_LENGTH
    )
    aim_by = forms.DateField(label=gettext_lazy("Aim: by when"), required=False, widget=DATE)
    measure_key = forms.CharField(
        label=gettext_lazy("The measure it aims to move"),
        required=False,
        widget=forms.Select,
    )
    stratum_dimension = forms.CharField(
        label=gettext_lazy("Only for one group of children (optional): grouping"),
        required=False,
        widget=forms.Select,
    )
    stratum_group = forms.CharField(
        label=gettext_lazy("Group (for language, its tag: es, en…)"), required=False
    )
    recommendation = forms.CharField(
        label=gettext_lazy("The council recommendation it answers (optional)"),
        required=False,
        widget=forms.Select,
    )
    started_on = forms.DateField(
        label=gettext_lazy("The day the change started"), required=False, widget=DATE
    )
    owner = forms.CharField(label=gettext_lazy("Owner"), required=False, widget=forms.Select)
    prediction = _text(gettext_lazy("Plan: what we predict will happen"))
    done = _text(gettext_lazy("Do: what was done"))
    learned = _text(gettext_lazy("Study: what was learned"))

    def __init__(self, *args: Any, practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        measures = [(key, definitions.get(key).title) for key in definitions.MEASURE_ORDER]
        self.fields["measure_key"].widget.choices = [("", "—"), *measures]
        self.fields["stratum_dimension"].widget.choices = [
            ("", gettext_lazy("Every child")),
            *((d.key, d.title) for d in strata.DIMENSIONS.values()),
        ]
        self.fields["recommendation"].widget.choices = [
            ("", gettext_lazy("None")),
            *(
                (str(r.pk), f"{r.title} ({r.council.name}, {r.raised_on:%m/%d/%Y})")
                for r in services.recommendations_for(practice)
            ),
        ]
        team = Membership.objects.active().filter(practice=practice).select_related("user")
        self.fields["owner"].widget.choices = [
            (str(m.user_id), m.user.get_full_name() or m.user.get_username())
            for m in team.order_by("user__last_name", "user__first_name")
        ]

    def to_input(self) -> services.CycleInput:
        data = self.cleaned_data
        return services.CycleInput(
            title=data["title"],
            aim_what=data["aim_what"],
            aim_how_much=data["aim_how_much"],
            aim_by=data["aim_by"],
            measure_key=data["measure_key"],
            owner_id=data["owner"] or None,
            stratum_dimension=data["stratum_dimension"],
            stratum_group=data["stratum_group"].strip(),
            recommendation_id=data["recommendation"] or None,
            started_on=data["started_on"],
            prediction=data["prediction"],
            done=data["done"],
            learned=data["learned"],
        )


def initial_of(cycle) -> dict:
    return {
        "title": cycle.title,
        "aim_what": cycle.aim_what,
        "aim_how_much": cycle.aim_how_much,
        "aim_by": cycle.aim_by,
        "measure_key": cycle.measure_key,
        "stratum_dimension": cycle.stratum_dimension,
        "stratum_group": cycle.stratum_group,
        "recommendation": str(cycle.recommendation_id or ""),
        "started_on": cycle.started_on,
        "owner": str(cycle.owner_id),
        "prediction": cycle.prediction,
        "done": cycle.done,
        "learned": cycle.learned,
    }


class StageForm(forms.Form):
    to_stage = forms.ChoiceField(label=gettext_lazy("Move to"), choices=Stage.choices)
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision (at Act)"),
        required=False,
        choices=[("", "—"), *Decision.choices],
    )
    note = _text(gettext_lazy("Note (optional)"), rows=2)
