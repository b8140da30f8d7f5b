"""Every authored text with sample values, its encoding and segment count, for staff."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from . import segments, texts
from .services.outreach import KIND_LINKS, link_placeholder


@dataclass(frozen=True)
class Sample:
    kind: str
    variant: str
    language: str
    body: str
    count: segments.SegmentCount


def samples() -> list[Sample]:
    when = datetime(2026, 3, 10, 9, 20, tzinfo=ZoneInfo(settings.TIME_ZONE))
    found = []
    for kind, variants in texts.TEXTS.items():
        for variant, languages in variants.items():
            for language in languages:
                values = {
                    "practice": "Harbor Pediatrics",
                    "when": texts.format_when(when, language),
                    "sender": "Ana",
                    "link": link_placeholder(KIND_LINKS.get(kind, "screening")),
                }
                rendered = texts.render(kind, variant, language, values)
                if rendered is not None:
                    found.append(
                        Sample(
                            kind, variant, language, rendered.body, segments.count(rendered.body)
                        )
                    )
    return found
