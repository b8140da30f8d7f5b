"""`manage.py synth` at scale shows its progress (a bar on a terminal, log lines elsewhere) and
ends with a summary."""

import logging
from io import StringIO

import pytest
from django.core.management import call_command

from medhome.core import progress


@pytest.mark.django_db
def test_synth_logs_its_progress_when_not_on_a_terminal_and_ends_with_a_summary(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "LOG_EVERY_SECONDS", 0.0)
    caplog.set_level(logging.INFO, logger="medhome.progress")
    out, err = StringIO(), StringIO()
    call_command("synth", children=40, seed=9, as_of="2026-11-23", stdout=out, stderr=err)

    lines = [r.getMessage() for r in caplog.records]
    assert any(line.startswith("Generating: ") and "/40 children" in line for line in lines)
    assert any(line.startswith("Writing: ") and " rows (" in line for line in lines)
    assert "40 children" in out.getvalue()
    assert "imported, 0 updated, 0 unchanged, 0 refused." in out.getvalue()
    assert err.getvalue() == ""  # no bar: the stream is not a terminal
