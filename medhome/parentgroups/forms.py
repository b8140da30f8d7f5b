"""The staff pages' input: a group, a meeting (date and local time, minutes, topics separated
by commas) and the search for a caregiver to sign up. The services check the rules and say what
is wrong in their own words; these forms only parse."""

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from medhome.core.actor import Actor
from medhome.core.languages import language_choices

from . import selectors
from .models import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH, GroupKind, ParentGroup
from .services import GroupValues


class LeaderField(forms.ModelChoiceField):
    """A colleague by name, not by login."""

    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or str(obj)


class GroupForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=GroupKind.choices)
    other_kind = forms.CharField(
        label=gettext_lazy("Which kind (for another kind)"), required=False, max_length=60
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=NAME_MAX_LENGTH)
    languages = forms.MultipleChoiceField(
        label=gettext_lazy("Held in"),
        widget=forms.CheckboxSelectMultiple,
        choices=language_choices,
        required=False,
    )
    description = forms.CharField(
        label=gettext_lazy("What families will find (shown on the family page)"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    leader = LeaderField(label=gettext_lazy("Led by"), queryset=None)
    place = forms.CharField(label=gettext_lazy("Where"), required=False, max_length=200)
    video_link = forms.URLField(label=gettext_lazy("Video link"), required=False)
    capacity = forms.IntegerField(label=gettext_lazy("Places"), min_value=1, max_value=500)
    open_for_sign_up = forms.BooleanField(
        label=gettext_lazy("Open for sign-up from the family's link"), required=False
    )
    is_active = forms.BooleanField(label=gettext_lazy("Running"), required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        leader = self.fields["leader"]
        assert isinstance(leader, forms.ModelChoiceField)
        leader.queryset = selectors.leaders(actor)

    @staticmethod
    def initial_of(group: ParentGroup | None) -> dict[str, Any]:
        if group is None:
            return {"open_for_sign_up": True, "is_active": True, "capacity": 12}
        return {
            "kind": group.kind,
            "other_kind": group.other_kind,
            "name": group.name,
            "languages": group.languages,
            "description": group.description,
            "leader": group.leader_id,
            "place": group.place,
            "video_link": group.video_link,
            "capacity": group.capacity,
            "open_for_sign_up": group.open_for_sign_up,
            "is_active": group.is_active,
        }

    def values(self) -> GroupValues:
        data = self.cleaned_data
        return GroupValues(
            kind=data["kind"],
            other_kind=data["other_kind"],
            name=data["name"],
            languages=list(data["languages"]),
            description=data["description"],
            leader=data["leader"],
            place=data["place"],
            video_link=data["video_link"],
            capacity=data["capacity"],
            open_for_sign_up=data["open_for_sign_up"],
            is_active=data["is_active"],
        )


class MeetingForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(
        label=gettext_lazy("Starts at"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    duration_minutes = forms.IntegerField(label=gettext_lazy("Minutes"), initial=90, min_value=1)
    topics = forms.CharField(
        label=gettext_lazy("Topics (separated by commas)"), required=False, max_length=600
    )

    def starts_at(self) -> datetime:
        """The practice's local time (TIME_ZONE) as an aware moment."""
        day, at = self.cleaned_data["on"], self.cleaned_data["starts"]
        return timezone.make_aware(datetime.combine(day, at))

    def topic_list(self) -> list[str]:
        return [word for word in self.cleaned_data["topics"].split(",") if word.strip()]


class FindCaregiverForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Caregiver's name"), max_length=100)
