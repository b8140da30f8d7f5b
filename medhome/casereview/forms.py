"""Reading the review form: the date, who attended, the summary and the decisions' rows.

The form is repeated rows of plain fields (no JavaScript): a row left empty is no decision.
What a value must be (a colleague of the practice, a date not in the past, words) is checked
once, in services.record_review; here only what cannot even be read is refused.
"""

from dataclasses import dataclass, field
from datetime import date

from django.http import QueryDict
from django.utils.translation import gettext as _

from .services import DecisionInput

DECISION_ROWS = 4


@dataclass
class ReviewForm:
    held_on: date | None = None
    attendee_ids: list[str] = field(default_factory=list)
    summary: str = ""
    decisions: list[DecisionInput] = field(default_factory=list)
    # What the page shows back in the rows after a refusal: row → field → value as typed.
    rows: list[dict[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def blank_rows(default_child: str = "") -> list[dict[str, str]]:
    return [
        {"text": "", "child": default_child, "assignee": "", "due_on": ""}
        for _ in range(DECISION_ROWS)
    ]


def read_review(data: QueryDict) -> ReviewForm:
    form = ReviewForm(summary=data.get("summary", ""), attendee_ids=data.getlist("attendees"))
    held_on = data.get("held_on", "")
    form.held_on = _date(held_on)
    if form.held_on is None:
        form.errors.append(_("Give the date of the review."))
    for index in range(DECISION_ROWS):
        row = {
            name: data.get(f"decision-{index}-{name}", "")
            for name in ("text", "child", "assignee", "due_on")
        }
        form.rows.append(row)
        if not (row["text"].strip() or row["assignee"] or row["due_on"].strip()):
            continue
        due_on = _date(row["due_on"]) if row["due_on"].strip() else None
        if row["due_on"].strip() and due_on is None:
            form.errors.append(
                _("Decision %(n)s: the date by when is not a date.")
                % {"n": len(form.decisions) + 1}
            )
        form.decisions.append(
            DecisionInput(
                text=row["text"],
                child_id=row["child"],
                assignee=row["assignee"],
                due_on=due_on,
            )
        )
    return form
