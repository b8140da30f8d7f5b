"""Segment counting at its boundaries, the rules of "when" at their edges, keywords, texts."""

import re
from datetime import date, datetime, time

import pytest

from medhome.instruments import registry
from medhome.messaging import rules, segments, texts
from medhome.messaging.gateways.signatures import is_valid, signature
from medhome.messaging.rules import QuietHours, Span, next_allowed
from medhome.messaging.services.replies import keyword_of
from medhome.practices.calendar import default_calendar

from .helpers import ZONE


@pytest.mark.parametrize(
    ("text", "encoding", "count"),
    [
        ("a" * 160, "gsm7", 1),
        ("a" * 161, "gsm7", 2),
        ("a" * 306, "gsm7", 2),
        ("a" * 307, "gsm7", 3),
        ("€" * 80, "gsm7", 1),  # extension characters take two septets
        ("€" * 80 + "a", "gsm7", 2),
        ("[" * 81, "gsm7", 2),
        ("é" * 160, "gsm7", 1),  # é is in the basic table
        ("á" * 70, "ucs2", 1),  # á is not
        ("á" * 71, "ucs2", 2),
        ("á" * 134, "ucs2", 2),
        ("á" * 135, "ucs2", 3),
        ("a" * 69 + "😀", "ucs2", 2),  # outside the BMP: two code units
        ("", "gsm7", 0),
    ],
)
def test_segments_at_the_boundaries(text, encoding, count):
    counted = segments.count(text)
    assert (counted.encoding, counted.segments) == (encoding, count)


CALENDAR = default_calendar(holidays=["2026-03-11"])
QUIET = QuietHours(time(20, 0), time(8, 0))


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=ZONE)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (local(9, 19, 59), local(9, 19, 59)),  # a minute before quiet hours
        (local(9, 20, 0), local(10, 8, 0)),  # quiet hours begin: next morning
        (local(10, 7, 59), local(10, 8, 0)),
        (local(10, 23, 0), local(12, 8, 0)),  # the 11th is a holiday
    ],
)
def test_quiet_hours_and_holidays(moment, expected):
    assert next_allowed(moment, windows=[], calendar=CALENDAR, quiet=QUIET) == expected


def test_windows_are_honoured_and_cut_by_quiet_hours():
    monday_evening = [Span(weekday=0, starts_at=time(17, 0), ends_at=time(21, 0))]
    assert next_allowed(
        local(9, 10), windows=monday_evening, calendar=CALENDAR, quiet=QUIET
    ) == local(9, 17)
    # 20:00–21:00 of the window is quiet: the next Monday.
    assert next_allowed(
        local(9, 20, 0), windows=monday_evening, calendar=CALENDAR, quiet=QUIET
    ) == local(16, 17)


def test_windows_only_in_quiet_hours_are_set_aside():
    dawn = [Span(weekday=d, starts_at=time(5, 0), ends_at=time(6, 0)) for d in range(7)]
    assert next_allowed(local(9, 10), windows=dawn, calendar=CALENDAR, quiet=QUIET) == local(9, 10)


def test_retry_backoff_doubles():
    assert [rules.retry_delay(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]


@pytest.mark.parametrize(
    ("body", "keyword"),
    [
        ("STOP", "stop"),
        (" stop. ", "stop"),
        ("Unsubscribe", "stop"),
        ("STOPALL", "stop"),
        ("cancel", "stop"),
        ("END", "stop"),
        ("quit", "stop"),
        ("START", "start"),
        ("yes", "start"),
        ("UNSTOP", "start"),
        ("HELP", "help"),
        ("info", "help"),
        ("please stop calling me at work", ""),
        ("", ""),
    ],
)
def test_keywords(body, keyword):
    assert keyword_of(body) == keyword


def test_signature_as_twilio_documents_it():
    # Twilio's documented example (auth token 12345, its URL and parameters).
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675309",
        "Digits": "1234",
        "From": "+14158675309",
        "To": "+18005551212",
    }
    assert signature(url, params.items(), "12345") == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    assert is_valid(url, params.items(), "12345", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
    assert not is_valid(url, params.items(), "12345", "RSOYDt4T1cUTdK1PDd93/VVr8B9=")
    assert not is_valid(url, params.items(), "12345", None)


FORBIDDEN = re.compile(
    r"depress|anxi|autis|suicid|score|diagnos|screen|referr|violen|abuse|substance|drug|"
    r"alcohol|develop|food|hous|hunger|result|positive|negative|risk|\bHIV\b|\bSTIs?\b|pregnan|"
    r"depresi|ansiedad|diagnóst|resultado|riesgo|violencia|alimento|vivienda",
    re.IGNORECASE,
)


# Proper names a text may carry: the 988 Lifeline's, in the crisis resources text only.
LIFELINE = ("Suicide & Crisis Lifeline", "Línea de Prevención del Suicidio y Crisis")


def test_no_text_names_a_condition_a_screen_or_a_need():
    names = {i.key.lower() for i in registry.all_instruments()} | {
        i.name.lower() for i in registry.all_instruments()
    }
    for kind, variants in texts.TEXTS.items():
        for variant, languages in variants.items():
            for language, written in languages.items():
                where = f"{kind}/{variant}/{language}"
                text = written
                if kind == "crisis_reply":
                    for name in LIFELINE:
                        text = text.replace(name, "")
                assert not FORBIDDEN.search(text), where
                assert not any(re.search(rf"\b{re.escape(n)}\b", text.lower()) for n in names), (
                    where
                )
                assert "{practice}" in text, f"{where}: says who it is from"
            assert set(languages) >= {"en", "es"}


def test_every_text_with_a_link_carries_stop_and_paper_carries_neither():
    for kind, variants in texts.TEXTS.items():
        for variant, languages in variants.items():
            for language, text in languages.items():
                where = f"{kind}/{variant}/{language}"
                if variant == "paper":
                    assert "{link}" not in text and "STOP" not in text, where
                elif kind != "keyword_reply" and kind != "crisis_reply":
                    assert "STOP" in text, where
                if variant == "with_link":
                    assert "{link}" in text, where
    assert "paper" in texts.TEXTS["visit_reminder"]


def test_a_missing_language_is_not_translated():
    assert texts.render("visit_reminder", "plain", "vi", {"practice": "P", "when": "x"}) is None
    assert texts.format_when(datetime(2026, 3, 10, 9, 20, tzinfo=ZONE), "es") == (
        "martes 10 de marzo a las 9:20"
    )
    assert date(2026, 3, 10).weekday() == 1


def test_every_stop_sentence_is_the_one_an_email_replaces():
    for kind, variants in texts.TEXTS.items():
        for variant, languages in variants.items():
            for language, text in languages.items():
                if "STOP" in text and kind != "keyword_reply":
                    assert texts.STOP_SENTENCES[language] in text, f"{kind}/{variant}/{language}"
    spanish = texts.for_email("X: hola. Responda STOP para no recibir textos.", "es-MX")
    assert (
        spanish
        == "X: hola. Para no recibir estos correos, llámenos o díganoslo en su próxima visita."
    )
