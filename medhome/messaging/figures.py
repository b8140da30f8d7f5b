"""The figures of reaching families, for a date range of the practice's calendar: messages by
channel and by language and how far each got, why some were not sent, STOP replies, the family's
replies, the show rate of reminded and not-reminded visits and the recall success.

Set-based: six aggregate queries whatever the volume (messaging/tests/test_figures.py asserts
it). Messages count by `send_after` (the moment each was to go; practice + send_after is the
outbox index); a row is one try on one channel, so a text that bounced and went again by email is
two rows. Answers to a family's own text (keyword and crisis answers) are not outreach and are
left out. The practice's own leaders see their own counts as they are; the CSV export is
suppressed (core.suppression, as the measures' export is).
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.core.suppression import Cell, is_small, suppress_rows
from medhome.families.languages import language_name
from medhome.families.vocabulary import Channel
from medhome.practices.calendar import calendar_of
from medhome.practices.scoping import scoped
from medhome.visits.models import Visit, VisitKind, VisitStatus

from .models import ANSWERS, InboundText, Message, MessageKind, MessageStatus, OptOut
from .reasons import why_not_sent

# Leaders' figures: those who read the practice's quality measures (pediatricians, nurse
# practitioners, the care coordinator, the practice admin). A show rate and a recall success
# are quality figures; the front desk works the outbox and call list, not these.
NEED = Capability.MEASURES_READ
DEFAULT_DAYS = 30
MAX_DAYS = 366
RECALL_DAYS = 30  # "overdue children who came in within 30 days" of the recall
WELL_CHILD = (VisitKind.WELL_CHILD, VisitKind.GROUP)
REACHED = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.CALLED)
CAME = (VisitStatus.ARRIVED, VisitStatus.COMPLETED)
STAFF_LIST = "no_channel"  # planned for a family who prefers a call or paper: staff's lists
STAFF_CHANNELS = (Channel.PHONE, Channel.PRINT, Channel.IN_PERSON)

# The channels as the figures group them: a call is the call list, paper and a word in person
# are the list to hand or mail.
CHANNEL_GROUPS = {
    Channel.TEXT: "text",
    Channel.EMAIL: "email",
    Channel.PHONE: "phone",
    Channel.PRINT: "print",
    Channel.IN_PERSON: "print",
    Channel.PORTAL: "portal",
}
CHANNEL_LABELS = {
    "text": _("Text message"),
    "email": _("Email"),
    "phone": _("Call list"),
    "print": _("Print, mail or in person"),
    "portal": _("Portal (not sent)"),
}

# How far a message got: exclusive, so the columns of a row add up to its total.
COLUMNS = (
    ("waiting", _("Waiting")),
    ("sent", _("Sent")),
    ("delivered", _("Delivered")),
    ("called", _("Called")),
    ("staff_list", _("On the call or print list")),
    ("failed", _("Failed or bounced")),
    ("not_sent", _("Not sent")),
)
_ON_STAFF_LIST = Q(
    status=MessageStatus.SUPPRESSED, error_code=STAFF_LIST, channel__in=STAFF_CHANNELS
)
CONDITIONS = {
    "waiting": Q(status__in=(MessageStatus.PLANNED, MessageStatus.HELD, MessageStatus.SENDING)),
    "sent": Q(status=MessageStatus.SENT),
    "delivered": Q(status=MessageStatus.DELIVERED),
    "called": Q(status=MessageStatus.CALLED),
    "staff_list": _ON_STAFF_LIST,
    "failed": Q(status__in=(MessageStatus.FAILED, MessageStatus.BOUNCED)),
    "not_sent": Q(status=MessageStatus.SUPPRESSED) & ~_ON_STAFF_LIST,
}


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def cells(self) -> list[tuple[object, int]]:
        """(column label, count) in the columns' order, for the page."""
        return [(label, self.counts[key]) for key, label in COLUMNS]


@dataclass(frozen=True)
class Figures:
    start: date
    end: date
    total: Row
    by_channel: list[Row]
    by_language: list[Row]
    reasons: list[tuple[str, str, int]]
    opted_out_numbers: int
    not_sent_opted_out: int
    replies: int
    replying_caregivers: int
    crisis_texts: int
    reminded: Cell
    not_reminded: Cell
    recall: Cell
    columns: tuple[tuple[str, object], ...] = field(default=COLUMNS)


def default_range(today: date) -> tuple[date, date]:
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def _bounds(actor: Actor, start: date, end: date) -> tuple[datetime, datetime]:
    zone = calendar_of(actor.practice).zone
    return (
        datetime.combine(start, time(0), tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time(0), tzinfo=zone),
    )


def _fold(groups: dict[str, dict[str, int]], labels) -> list[Row]:
    return [Row(key, str(labels(key)), counts) for key, counts in sorted(groups.items())]


def _message_tables(messages) -> tuple[Row, list[Row], list[Row]]:
    """One query: counts per (channel, language) and column, folded into the two groupings."""
    per = messages.values("channel", "language").annotate(
        **{key: Count("pk", filter=CONDITIONS[key]) for key, _label in COLUMNS}
    )
    empty = dict.fromkeys(CONDITIONS, 0)
    total = dict(empty)
    channels: dict[str, dict[str, int]] = defaultdict(lambda: dict(empty))
    languages: dict[str, dict[str, int]] = defaultdict(lambda: dict(empty))
    for line in per:
        channel = CHANNEL_GROUPS.get(line["channel"], line["channel"])
        for key in CONDITIONS:
            total[key] += line[key]
            channels[channel][key] += line[key]
            languages[line["language"] or "?"][key] += line[key]
    order = list(CHANNEL_LABELS)
    by_channel = sorted(
        _fold(channels, lambda key: CHANNEL_LABELS.get(key, key)),
        key=lambda row: (order.index(row.key) if row.key in order else len(order), row.key),
    )
    by_language = _fold(languages, lambda key: language_name(key) if key != "?" else "?")
    return Row("all", str(_("All messages")), total), by_channel, by_language


def _show_rates(actor: Actor, since: datetime, until: datetime) -> tuple[Cell, Cell]:
    """Booked visits that started in the range and were attended or missed, split by whether a
    visit reminder reached the family (sent, delivered or called) before the visit started."""
    reached = Message.objects.filter(
        practice=OuterRef("practice"),
        visit=OuterRef("pk"),
        kind=MessageKind.VISIT_REMINDER,
        status__in=REACHED,
    ).filter(Q(sent_at__lt=OuterRef("starts_at")) | Q(called_at__lt=OuterRef("starts_at")))
    visits = (
        scoped(actor, Visit, need=NEED)
        .filter(
            starts_at__gte=since,
            starts_at__lt=until,
            status__in=(*CAME, VisitStatus.NO_SHOW),
        )
        .annotate(reminded=Exists(reached))
    )
    counts = visits.aggregate(
        reminded_came=Count("pk", filter=Q(reminded=True, status__in=CAME)),
        reminded_all=Count("pk", filter=Q(reminded=True)),
        other_came=Count("pk", filter=Q(reminded=False, status__in=CAME)),
        other_all=Count("pk", filter=Q(reminded=False)),
    )
    return (
        Cell(
            "reminded",
            str(_("Reminder reached the family")),
            counts["reminded_came"],
            counts["reminded_all"],
        ),
        Cell(
            "not_reminded",
            str(_("No reminder reached the family")),
            counts["other_came"],
            counts["other_all"],
        ),
    )


def _recall_success(messages) -> Cell:
    """Children a recall reached in the range, and of those, who had a completed well-child
    visit within RECALL_DAYS after a recall reached them."""
    recalls = messages.filter(kind=MessageKind.RECALL, status__in=REACHED, child__isnull=False)
    reached = Coalesce(
        OuterRef("sent_at"),
        OuterRef("called_at"),
        OuterRef("send_after"),
        output_field=DateTimeField(),
    )
    # The 30 days are taken off the visit's start (a column of the inner query): the outer
    # query's annotations are not reachable from an aggregate's filter, and an interval added to
    # an outer reference is not turned into date arithmetic on SQLite.
    came = (
        Visit.objects.filter(
            practice=OuterRef("practice"),
            child=OuterRef("child"),
            status=VisitStatus.COMPLETED,
            kind__in=WELL_CHILD,
            starts_at__gt=reached,
        )
        .annotate(
            opens=ExpressionWrapper(
                F("starts_at") - Value(timedelta(days=RECALL_DAYS)), output_field=DateTimeField()
            )
        )
        .filter(opens__lte=reached)
    )
    counts = recalls.aggregate(
        children=Count("child", distinct=True),
        came=Count("child", distinct=True, filter=Exists(came)),
    )
    return Cell("recall", str(_("Children recalled")), counts["came"] or 0, counts["children"] or 0)


def figures(actor: Actor, *, start: date, end: date) -> Figures:
    """The figures for `start`..`end` (inclusive, the practice's calendar), the actor's
    practice only."""
    if not actor.can(NEED):
        raise PermissionDenied(_("You cannot see this practice's figures."))
    since, until = _bounds(actor, start, end)
    messages = (
        scoped(actor, Message, need=NEED)
        .filter(send_after__gte=since, send_after__lt=until)
        .exclude(kind__in=ANSWERS)
    )
    total, by_channel, by_language = _message_tables(messages)
    reasons = [
        (line["error_code"], why_not_sent(line["error_code"]), line["n"])
        for line in messages.filter(CONDITIONS["not_sent"])
        .values("error_code")
        .annotate(n=Count("pk"))
        .order_by("-n", "error_code")
    ]
    texts = (
        scoped(actor, InboundText, need=NEED)
        .filter(received_at__gte=since, received_at__lt=until)
        .aggregate(
            replies=Count("pk", filter=Q(caregiver__isnull=False, keyword="", crisis=False)),
            caregivers=Count(
                "caregiver",
                distinct=True,
                filter=Q(caregiver__isnull=False, keyword="", crisis=False),
            ),
            crisis=Count("pk", filter=Q(crisis=True)),
        )
    )
    stops = (
        scoped(actor, OptOut, need=NEED)
        .filter(opted_out_at__gte=since, opted_out_at__lt=until)
        .count()
    )
    reminded, not_reminded = _show_rates(actor, since, until)
    return Figures(
        start=start,
        end=end,
        total=total,
        by_channel=by_channel,
        by_language=by_language,
        reasons=reasons,
        opted_out_numbers=stops,
        not_sent_opted_out=sum(n for code, _label, n in reasons if code == "opted_out"),
        replies=texts["replies"],
        replying_caregivers=texts["caregivers"],
        crisis_texts=texts["crisis"],
        reminded=reminded,
        not_reminded=not_reminded,
        recall=_recall_success(messages),
    )


# --- the export, suppressed ---------------------------------------------------------------------


def _hidden_in_lines(lines: Sequence[Sequence[tuple[Any, int]]], hidden: set) -> set:
    """Cells to hide so that no count from 1 to 10 shows or can be worked out: each line is a
    set of cells that add up to the line's last cell (its total). Primary suppression, then the
    measures' complementary rule line by line until nothing changes. Zeros stay shown (they are
    known and hide nothing), so they are never the complementary cell."""
    hidden = set(hidden) | {cell for line in lines for cell, n in line if is_small(n)}
    changed = True
    while changed:
        changed = False
        for line in lines:
            cells = [
                Cell(str(index), "", n, n, hidden=cell in hidden)
                for index, (cell, n) in enumerate(line)
                if n
            ]
            keys = {str(index): cell for index, (cell, _n) in enumerate(line)}
            for result in suppress_rows(cells, exclusive=True):
                cell = keys[result.key]
                if result.hidden and cell not in hidden:
                    hidden.add(cell)
                    changed = True
    return hidden


EXPORT_HEADER = [
    "section",
    "group",
    "figure",
    "count",
    "of",
    "rate_percent",
    "from",
    "to",
    "suppressed",
]


def export_rows(found: Figures) -> list[list]:
    """The page's tables as long rows, suppressed for use beyond the practice."""
    span = [f"{found.start:%Y-%m-%d}", f"{found.end:%Y-%m-%d}"]
    keys = [*(key for key, _label in COLUMNS), "total"]
    labels = {**dict(COLUMNS), "total": _("Planned")}
    # Both groupings add up to the same total row, so they are suppressed together: a total
    # hidden in one and shown in the other would undo the first's complementary cells.
    sections = {
        "channel": [(f"channel:{row.key}", row) for row in found.by_channel],
        "language": [(f"language:{row.key}", row) for row in found.by_language],
    }
    counts = {("all", k): _count(found.total, k) for k in keys}
    lines = [[(("all", k), counts[("all", k)]) for k in keys]]
    for groups in sections.values():
        counts.update({(name, k): _count(row, k) for name, row in groups for k in keys})
        lines += [[((name, k), counts[(name, k)]) for k in keys] for name, _row in groups]
        lines += [
            [
                *(((name, k), counts[(name, k)]) for name, _row in groups),
                (("all", k), counts[("all", k)]),
            ]
            for k in keys
        ]
    reason_cells = [(("reason", code), n) for code, _label, n in found.reasons]
    lines.append([*reason_cells, (("all", "not_sent"), counts[("all", "not_sent")])])
    hidden = _hidden_in_lines(lines, set())
    rows: list[list] = []
    for section, groups in sections.items():
        for name, row in [("all", found.total), *groups]:
            for k in keys:
                shown = (name, k) not in hidden
                rows.append(
                    [
                        section,
                        row.label,
                        str(labels[k]),
                        counts[(name, k)] if shown else "",
                        "",
                        "",
                        *span,
                        _flag(shown),
                    ]
                )
    for code, label, n in found.reasons:
        shown = ("reason", code) not in hidden
        rows.append(["not_sent", label, code, n if shown else "", "", "", *span, _flag(shown)])
    for figure, n in (
        ("opted_out_numbers", found.opted_out_numbers),
        ("not_sent_opted_out", found.not_sent_opted_out),
        ("replies", found.replies),
        ("replying_caregivers", found.replying_caregivers),
        ("crisis_texts", found.crisis_texts),
    ):
        shown = not is_small(n)
        rows.append(["families", "", figure, n if shown else "", "", "", *span, _flag(shown)])
    show = suppress_rows([found.reminded, found.not_reminded], exclusive=True)
    for cell in [*show, *suppress_rows([found.recall], exclusive=False)]:
        rate = cell.shown_rate
        rows.append(
            [
                "recall" if cell.key == "recall" else "show_rate",
                cell.label,
                cell.key,
                _blank(cell.shown_numerator),
                _blank(cell.shown_denominator),
                "" if rate is None else f"{rate * 100:.1f}",
                *span,
                _flag(not cell.hidden),
            ]
        )
    return rows


def _count(row: Row, key: str) -> int:
    return row.total if key == "total" else row.counts[key]


def _flag(shown: bool) -> str:
    return "" if shown else "suppressed"


def _blank(value: object) -> object:
    return "" if value is None else value
