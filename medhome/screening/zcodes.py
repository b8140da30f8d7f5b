"""ICD-10-CM Z codes a positive social-needs screen suggests, for a clinician to confirm.

medhome rule (docs/clinical-rules.md#codes): a positive screen suggests, never adds, the matching Z
code; every code carries valid_from / valid_to because codes become headers over time. Codes and
dates: shared/docs/domain/interop-codes.md §4 (FY2022 = 2021-10-01, FY2023 = 2022-10-01, FY2026 =
2025-10-01). CPT/ICD descriptors here are medhome's short labels.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ZCode:
    code: str
    label: object
    valid_from: date
    valid_to: date | None = None

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


FY2022, FY2023, FY2026 = date(2021, 10, 1), date(2022, 10, 1), date(2025, 10, 1)

BY_DOMAIN: dict[str, tuple[ZCode, ...]] = {
    "food": (ZCode("Z59.41", _("Food insecurity"), FY2022),),
    "housing": (
        ZCode("Z59.811", _("Housing instability, housed, with risk of homelessness"), FY2022),
        ZCode("Z59.819", _("Housing instability, housed, unspecified"), FY2022),
        ZCode("Z59.01", _("Sheltered homelessness"), FY2022),
        ZCode("Z59.02", _("Unsheltered homelessness"), FY2022),
    ),
    "transportation": (ZCode("Z59.82", _("Transportation insecurity"), FY2023),),
    # Difficulty paying for utilities moved from Z59.87 to the new Z59.861 in FY2026.
    "utilities": (
        ZCode(
            "Z59.87",
            _("Material hardship (incl. utilities until FY2025)"),
            FY2023,
            date(2025, 9, 30),
        ),
        ZCode("Z59.861", _("Difficulty paying for utilities"), FY2026),
    ),
}


def suggested(domains: list[str], on: date) -> list[ZCode]:
    return [code for domain in domains for code in BY_DOMAIN.get(domain, ()) if code.valid_on(on)]
