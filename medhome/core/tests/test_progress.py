import io
import logging

import pytest

from medhome.core.progress import Progress, Tally, duration, tracked


def test_a_log_line_says_done_total_rate_and_time_left(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="medhome.progress")
    with Progress("import", total=200, unit="resources", terminal=False, log_every=0) as progress:
        progress.started -= 10  # as if 10 s had passed
        progress.advance(50)
    line = caplog.records[-1].getMessage()
    assert line.startswith("import: 50/200 resources (25.0 %), 5/s")
    assert "about 30 s left" in line


def test_a_resumed_run_counts_its_rate_from_where_it_started(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="medhome.progress")
    progress = Progress(
        "import", total=1000, unit="lines", terminal=False, log_every=0, initial=600
    )
    progress.started -= 10
    progress(100)  # the bulk import's callback
    line = caplog.records[-1].getMessage()
    assert line.startswith("import: 700/1,000 lines (70.0 %), 10/s")
    assert "about 30 s left" in line


def test_without_a_total_it_counts_and_gives_a_rate() -> None:
    progress = Progress("synth", total=None, terminal=False)
    progress.advance(7)
    assert progress.status().startswith("synth: 7 rows, ")


def test_on_a_terminal_a_bar_is_drawn_and_nothing_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="medhome.progress")
    stream = io.StringIO()
    items = list(tracked(range(5), "files", total=5, stream=stream, terminal=True))
    assert items == [0, 1, 2, 3, 4]
    assert "100%" in stream.getvalue()
    assert caplog.records == []


def test_the_summary_counts_outcomes_and_refusals_by_reason() -> None:
    tally = Tally()
    tally.add("created", 3)
    tally.add("updated")
    tally.add("unchanged", 2)
    tally.refuse("no identifier", 2)
    tally.refuse("date in the future")
    assert tally.total == 9
    assert tally.summary() == (
        "3 imported, 1 updated, 2 unchanged, 3 refused (2 no identifier; 1 date in the future)"
    )
    assert tally.as_dict()["refused"] == {"no identifier": 2, "date in the future": 1}
    with pytest.raises(ValueError):
        tally.add("deleted")


def test_durations_read_as_people_say_them() -> None:
    assert duration(42.4) == "42 s"
    assert duration(185) == "3 min 05 s"
    assert duration(3720) == "1 h 02 min"
