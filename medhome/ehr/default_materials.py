"""The default family materials (settings.MEDHOME_FAMILY_MATERIALS): plain data, read by the
settings module, so nothing here imports Django."""

# Public family materials the pre-visit page links to, per well-child visit (the schedule's keys)
# and language code: {"4mo": {"en": [{"title", "url", "source", "license"}, ...], "es": [...]}}
# (docs/clinical-rules.md#anticipatory-guidance; checked at start-up by medhome.ehr.materials).
# Plain links the family's browser follows; medhome never fetches them. List only materials whose
# reuse is clear. The default: CDC's "Learn the Signs. Act Early." milestone pages, US federal
# works in the public domain (https://www.cdc.gov/other/agencymaterials.html asks for "Source:
# CDC" and no implied endorsement; the page shows both). Nothing from AAP/HealthyChildren.org:
# its terms reserve its content. English pages per age; in Spanish CDC's milestones index (the
# per-age Spanish addresses were not confirmed, a practice may list them here).
MILESTONE_PAGES = {
    "2mo": ("2-months", "2 months"),
    "4mo": ("4-months", "4 months"),
    "6mo": ("6-months", "6 months"),
    "9mo": ("9-months", "9 months"),
    "12mo": ("1-year", "1 year"),
    "15mo": ("15-months", "15 months"),
    "18mo": ("18-months", "18 months"),
    "24mo": ("2-years", "2 years"),
    "30mo": ("30-months", "30 months"),
    "3y": ("3-years", "3 years"),
    "4y": ("4-years", "4 years"),
    "5y": ("5-years", "5 years"),
}
CDC = {"source": "CDC", "license": "US federal work, public domain"}
CDC_MILESTONE_MATERIALS = {
    visit: {
        "en": [
            {
                "title": f"Milestones by {age} (Learn the Signs. Act Early.)",
                "url": f"https://www.cdc.gov/act-early/milestones/{slug}.html",
                **CDC,
            }
        ],
        "es": [
            {
                "title": "Indicadores del desarrollo de 2 meses a 5 años "
                "(Aprenda los signos. Reaccione pronto.)",
                "url": "https://www.cdc.gov/act-early/es/milestones/index.html",
                **CDC,
            }
        ],
    }
    for visit, (slug, age) in MILESTONE_PAGES.items()
}
