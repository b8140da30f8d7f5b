"""Pure scoring: answers in, Outcome out. No database, no clock.

Answers map link_id -> option code (several codes comma-separated, or a sequence, for a
multi-select item) or a whole number as a string for number items. Each instrument's rules live
next to its definition in catalog/<family>.py.
"""

from collections.abc import Mapping

from django.utils.translation import gettext as _

from medhome.instruments.definitions import Instrument, Option, Respondent
from medhome.instruments.results import (
    Answers,
    Context,
    Critical,
    Outcome,
    _blank,
    build,
    split_codes,
)

__all__ = ["Context", "Critical", "InvalidAnswers", "Outcome", "build", "score", "validate"]


class InvalidAnswers(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def _name(item_label: str, link_id: str) -> str:
    return item_label or _("Item %(link_id)s") % {"link_id": link_id}


def validate(instrument: Instrument, answers: Mapping[str, object]) -> dict[str, str]:
    """Messages by link id for unknown items, unknown codes and bad numbers. Blanks are allowed."""
    errors: dict[str, str] = {}
    for link_id, value in answers.items():
        item = instrument.item(link_id)
        if item is None:
            errors[link_id] = _("'%(link_id)s' is not a question of the %(name)s.") % {
                "link_id": link_id,
                "name": instrument.name,
            }
            continue
        if _blank(value):
            continue
        name = _name(item.label, link_id)
        if item.number_range is not None:
            low, high = item.number_range
            text = str(value).strip()
            number = (
                int(text) if text.isdigit() or (text[:1] == "-" and text[1:].isdigit()) else None
            )
            if number is None or not low <= number <= high:
                errors[link_id] = _("%(name)s must be a whole number from %(low)s to %(high)s.") % {
                    "name": name,
                    "low": low,
                    "high": high,
                }
            continue
        codes = split_codes(value)
        unknown = [c for c in codes if item.option(c) is None]
        if unknown:
            errors[link_id] = _("%(name)s: '%(code)s' is not one of this question's answers.") % {
                "name": name,
                "code": unknown[0],
            }
        elif len(codes) > 1 and not item.multiple:
            errors[link_id] = _("%(name)s takes one answer.") % {"name": name}
        elif len(codes) != len(set(codes)):
            errors[link_id] = _("%(name)s: an answer is chosen twice.") % {"name": name}
        elif len(codes) > 1 and any(_exclusive(item.option(c)) for c in codes):
            # "None of the above" style answers exclude the others (AHC item 2).
            errors[link_id] = _("%(name)s: 'none' cannot be combined with other answers.") % {
                "name": name
            }
    return errors


def _exclusive(option: Option | None) -> bool:
    return option is not None and option.score is None and not option.positive


def score(
    instrument: Instrument,
    answers: Mapping[str, object],
    *,
    respondent: Respondent | None = None,
    age_years: int | None = None,
    age_months: int | None = None,
    allow_unasked: bool = False,
) -> Outcome:
    """Score one form. `age_years` selects age-keyed cut-offs (PHQ-9); `age_months` the SWYC
    Milestones cut-off row. `allow_unasked`: the caller knows the instrument's may_go_unasked
    groups cannot have been asked when they are wholly blank (an imported form,
    docs/clinical-rules.md#imported-screens). Raises InvalidAnswers when validate() finds
    anything."""
    errors = validate(instrument, answers)
    if errors:
        raise InvalidAnswers(errors)
    from medhome.instruments import registry

    scorer = registry.scorer(instrument.key)
    ctx = Context(
        Answers(instrument, answers, allow_unasked=allow_unasked), respondent, age_years, age_months
    )
    return scorer(ctx)
