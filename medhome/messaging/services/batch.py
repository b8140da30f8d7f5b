"""What the sender needs to know about a batch of claimed messages, read once for the batch:
a few queries for hundreds of messages instead of several for each (docs/benchmarks.md,
"Messages to families"). The facts are those of the moment the batch was claimed; a consent
withdrawn or a STOP received while the batch is being sent applies from the next batch (a
batch is at most a few seconds of sending).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Q

from medhome.families.models import AvailabilityWindow, Child
from medhome.practices.calendar import Calendar, calendar_of

from ..models import ANSWERS, ContactConsent, Message, MessageChannel, MessageStatus, OptOut
from ..rules import Span, local_day_bounds
from .common import spans_of

# Counted against the family's daily cap.
COUNTED = (MessageStatus.SENDING, MessageStatus.SENT, MessageStatus.DELIVERED)
CHUNK = 2000


@dataclass
class Known:
    calendars: dict[object, Calendar] = field(default_factory=dict)
    # (caregiver id, channel) → the decision in force.
    consents: dict[tuple[object, str], bool] = field(default_factory=dict)
    # (practice id, number) that replied STOP.
    opted_out: set[tuple[object, str]] = field(default_factory=set)
    windows: dict[object, list[Span]] = field(default_factory=dict)
    # (family id, the practice's date) → messages counted against the cap that day.
    sent: Counter[tuple[object, date]] = field(default_factory=Counter)
    counted_days: set[tuple[object, date]] = field(default_factory=set)
    on_panel: set[object] = field(default_factory=set)

    def calendar(self, message: Message) -> Calendar:
        if message.practice_id not in self.calendars:
            self.calendars[message.practice_id] = calendar_of(message.practice)
        return self.calendars[message.practice_id]

    def day_of(self, message: Message, moment: datetime) -> date:
        return moment.astimezone(self.calendar(message).zone).date()

    def sent_that_day(self, message: Message, moment: datetime) -> int:
        """Messages the family got on the moment's day (today's read for the batch; a later
        day is checked again when the message is sent that day)."""
        assert message.caregiver is not None
        key = (message.caregiver.family_id, self.day_of(message, moment))
        return self.sent[key] if key in self.counted_days else 0

    def count_sent(self, message: Message, moment: datetime) -> None:
        if message.caregiver is not None:
            key = (message.caregiver.family_id, self.day_of(message, moment))
            self.counted_days.add(key)
            self.sent[key] += 1


def _chunks(values: list[Any]) -> list[list[Any]]:
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


def know(messages: list[Message], at: datetime) -> Known:
    """Everything the checks of these messages read, in six queries whatever their number."""
    known = Known()
    caregiver_ids: list[Any] = list({m.caregiver_id for m in messages if m.caregiver_id})
    family_ids: list[Any] = list({m.caregiver.family_id for m in messages if m.caregiver})
    child_ids: list[Any] = list({m.child_id for m in messages if m.child_id is not None})
    numbers = list(
        {m.to_address for m in messages if m.channel == MessageChannel.TEXT and m.to_address}
    )
    for ids in _chunks(caregiver_ids):
        decisions = (
            ContactConsent.objects.filter(caregiver_id__in=ids)
            .order_by("recorded_at", "pk")
            .values_list("caregiver_id", "channel", "granted")
        )
        for caregiver_id, channel, granted in decisions:
            known.consents[(caregiver_id, channel)] = granted
        found: dict[object, list[AvailabilityWindow]] = defaultdict(list)
        for window in AvailabilityWindow.objects.filter(caregiver_id__in=ids):
            found[window.caregiver_id].append(window)
        known.windows.update({pk: spans_of(windows) for pk, windows in found.items()})
    for chunk in _chunks(numbers):
        known.opted_out.update(
            OptOut.objects.filter(active=True, phone__in=chunk).values_list("practice_id", "phone")
        )
    for ids in _chunks(child_ids):
        known.on_panel.update(
            Child.objects.on_panel(at.date()).filter(pk__in=ids).values_list("pk", flat=True)
        )
    # Today's messages of these families, from other batches (this batch's are all SENDING).
    _count_sent_today(known, messages, family_ids, at)
    return known


def _count_sent_today(
    known: Known, messages: list[Message], family_ids: list[Any], at: datetime
) -> None:
    if not messages or not family_ids:
        return
    bounds = [local_day_bounds(at, known.calendar(m)) for m in messages]
    start, end = min(b[0] for b in bounds), max(b[1] for b in bounds)
    batch_ids = [m.pk for m in messages]
    for ids in _chunks(family_ids):
        counted = (
            Message.objects.filter(
                Q(sent_at__gte=start, sent_at__lt=end) | Q(status=MessageStatus.SENDING),
                caregiver__family_id__in=ids,
                status__in=COUNTED,
            )
            .exclude(kind__in=ANSWERS)
            .exclude(pk__in=batch_ids)
            .values_list("caregiver__family_id", "sent_at", "practice_id")
        )
        for family_id, sent_at, practice_id in counted:
            calendar = known.calendars.get(practice_id)
            moment: datetime = sent_at or at
            day = moment.astimezone(calendar.zone).date() if calendar else moment.date()
            known.sent[(family_id, day)] += 1
    for m in messages:
        if m.caregiver is not None:
            known.counted_days.add((m.caregiver.family_id, known.day_of(m, at)))
