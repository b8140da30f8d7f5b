"""The growth section of a child's chart: the plots, and the latest measurements with their
z-scores and percentiles, for the roles that see clinical results."""

from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from medhome.accounts.roles import Capability
from medhome.core.panels import Panel, register
from medhome.ehr import selectors
from medhome.periodicity.corrected_age import age_label

from . import plots
from .charts import (
    WEIGHT_FOR_LENGTH,
    AgeUsed,
    Assessment,
    GrowthSubject,
    Measurement,
    age_used,
    assess_all,
    latest,
    on_chart,
)
from .references import REFERENCES

KIND_LABELS = {
    "weight": pgettext_lazy("growth", "Weight"),
    "length": pgettext_lazy("growth", "Length"),
    "height": pgettext_lazy("growth", "Height"),
    "head_circumference": pgettext_lazy("growth", "Head circumference"),
    "bmi": pgettext_lazy("growth", "BMI"),
    WEIGHT_FOR_LENGTH: gettext_lazy("Weight-for-length"),
}


def subject_of(child: Any) -> GrowthSubject:
    return GrowthSubject(child.date_of_birth, child.sex_at_birth, child.gestational_age_weeks)


def describe_age(age: AgeUsed) -> str:
    if age.days < 0:
        return _("before the due date")
    if age.months < 24:
        text = _("%(months)s months") % {"months": f"{age.months:.1f}"}
    else:
        years, months = divmod(int(age.months), 12)
        text = _("%(years)d y %(months)d mo") % {"years": years, "months": months}
    return _("%(age)s corrected") % {"age": text} if age.corrected else text


def _row(assessment: Assessment) -> dict[str, Any]:
    measurement = assessment.measurement
    reference = assessment.reference
    unit = (
        reference.unit
        if reference
        else {"weight": "kg", "bmi": "kg/m²"}.get(measurement.kind, "cm")
    )
    return {
        "label": KIND_LABELS[assessment.kind],
        "on": measurement.on,
        "value": f"{measurement.value:g} {unit}",
        "derived": measurement.derived,
        "length": f"{assessment.x:g} cm" if assessment.kind == WEIGHT_FOR_LENGTH else "",
        "age": describe_age(assessment.age),
        "corrected": assessment.age.corrected,
        "z": f"{assessment.z:+.2f}" if assessment.z is not None else "",
        "percentile": plots.format_percentile(assessment.percentile)
        if assessment.percentile is not None
        else "",
        "extended": assessment.extended,
        "percent_of_p95": f"{assessment.percent_of_p95:.0f}%"
        if assessment.percent_of_p95 is not None and assessment.percent_of_p95 >= 100
        else "",
        "reference": f"{reference.source} {reference.title}" if reference else "",
    }


def panel_context(request: Any, child: Any, today: date) -> dict[str, Any] | None:
    # Percentiles are clinical results: the same capability that shows screening results.
    if not request.actor.can(Capability.SCREENING_RESULTS):
        return None
    subject = subject_of(child)
    measurements = [
        Measurement(o.kind, float(o.value), o.effective_on)
        for o in selectors.growth_measurements(child)
        if o.value is not None
    ]
    assessments = assess_all(subject, measurements)
    infant_now = age_used(subject, today).months < 24
    shown = []
    for reference in REFERENCES:
        placed = [a for a in assessments if on_chart(a, reference)]
        if placed:
            shown.append(plots.build(reference, subject.sex, placed))
    # The charts of the child's present age first.
    shown.sort(key=lambda plot: plot.reference.is_who != infant_now)
    return {
        "child": child,
        "age_label": age_label(child.date_of_birth, child.gestational_age_weeks, today),
        "rows": [_row(a) for a in latest(assessments)],
        "plots": shown,
        "corrected": any(a.age.corrected for a in assessments),
        "unplaced_sex": bool(measurements) and subject.sex not in ("male", "female"),
    }


def register_panels() -> None:
    register(Panel(order=35, place="main", template="growth/panel.html", context=panel_context))
