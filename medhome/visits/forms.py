"""Forms of the booking pages: they parse and check shapes; the rules live in booking.py."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medhome.accounts.models import User
from medhome.practices.models import Site

from .booking import MAX_MINUTES, MIN_MINUTES
from .models import CancelReason, Modality, VisitKind

DAYS_SHOWN = 14
# How long each kind of visit usually takes (a starting value staff can change).
USUAL_MINUTES = {VisitKind.WELL_CHILD: 30, VisitKind.GROUP: 60}


class ClinicianField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class SlotSearchForm(forms.Form):
    """What visit the family needs: the page suggests times for it."""

    kind = forms.ChoiceField(label=_("Type of visit"), choices=VisitKind.choices)
    modality = forms.ChoiceField(label=_("How"), choices=Modality.choices)
    site = forms.ModelChoiceField(
        label=_("Site"),
        queryset=Site.objects.none(),
        required=False,
        empty_label=_("Any site"),
    )
    clinician = ClinicianField(
        label=_("Clinician"), queryset=User.objects.none(), required=False, empty_label=_("Anyone")
    )
    duration_minutes = forms.IntegerField(
        label=_("Minutes"), min_value=MIN_MINUTES, max_value=MAX_MINUTES
    )
    from_day = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    confidential = forms.BooleanField(
        label=_("Confidential: the adolescent's own care"),
        help_text=_("No reminder or message about this visit goes to the parents."),
        required=False,
    )

    def __init__(
        self,
        data: Any = None,
        *,
        sites: list[Site],
        clinicians: list[User],
        initial: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, initial=initial, **kwargs)
        site_field = self.fields["site"]
        clinician_field = self.fields["clinician"]
        assert isinstance(site_field, forms.ModelChoiceField)
        assert isinstance(clinician_field, forms.ModelChoiceField)
        site_field.queryset = Site.objects.filter(pk__in=[s.pk for s in sites])
        clinician_field.queryset = User.objects.filter(pk__in=[c.pk for c in clinicians])


class BookForm(SlotSearchForm):
    """A chosen slot: the search's fields plus the time (and where, for a suggested site)."""

    starts_at = forms.DateTimeField(label=_("Time"))


class MoveForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("New time"))


class CancelForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why is the visit cancelled?"),
        # "Cancelled in the EHR" is the EHR's word, not a person's.
        choices=[(value, label) for value, label in CancelReason.choices if value != "ehr"],
    )


def search_defaults(today: date, *, primary_clinician_id: int | None) -> dict[str, Any]:
    return {
        "kind": VisitKind.WELL_CHILD,
        "modality": Modality.IN_PERSON,
        "duration_minutes": USUAL_MINUTES[VisitKind.WELL_CHILD],
        "from_day": today + timedelta(days=1),
        "clinician": primary_clinician_id,
    }
