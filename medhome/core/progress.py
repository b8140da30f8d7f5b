"""Progress of long work (a bulk import, `synth` at scale, the HSDS import): done/total, rate and
time left, and a summary at the end.

On a terminal a tqdm bar shows it; elsewhere (cron, a worker, CI) the same figures go to the log
every `log_every` seconds, so production sees a long import move. Only counts and medhome's own
words are ever shown or logged — never a name, a birth date or a line of the input (PHI).

    with Progress("FHIR import", total=lines, unit="resources") as progress:
        for batch in batches:
            ...
            progress.advance(len(batch))
    tally.add("imported") … logger.info(tally.summary())
"""

import logging
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from time import monotonic
from types import TracebackType
from typing import IO, Any, Self

from tqdm import tqdm

logger = logging.getLogger("medhome.progress")

LOG_EVERY_SECONDS = 30.0


def is_terminal(stream: IO[str] | None) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def raw_stream(wrapper: Any) -> IO[str]:
    """The stream under a management command's OutputWrapper, whose write() adds a line ending
    that a progress bar's carriage returns must not get."""
    return getattr(wrapper, "_out", wrapper)


def duration(seconds: float) -> str:
    """ "1 h 02 min", "3 min 05 s", "42 s"."""
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


class Progress:
    """A progress bar on a terminal, periodic log lines elsewhere; `total` may be unknown."""

    def __init__(
        self,
        label: str,
        *,
        total: int | None,
        unit: str = "rows",
        stream: IO[str] | None = None,
        log_every: float | None = None,
        terminal: bool | None = None,
        initial: int = 0,
    ) -> None:
        self.label, self.total, self.unit = label, total, unit
        # A resumed import starts part-way: the rate counts only what this run does.
        self.done = self.initial = initial
        self.log_every = LOG_EVERY_SECONDS if log_every is None else log_every
        self.started = self.last_logged = monotonic()
        stream = stream if stream is not None else sys.stderr
        show_bar = is_terminal(stream) if terminal is None else terminal
        self.bar: tqdm | None = (
            tqdm(
                total=total,
                initial=initial,
                desc=label,
                unit=f" {unit}",
                unit_scale=True,
                file=stream,
            )
            if show_bar
            else None
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def set_total(self, total: int | None) -> None:
        """The total once it is known (after reading the input, say)."""
        self.total = total
        if self.bar is not None:
            self.bar.total = total
            self.bar.refresh()

    def __call__(self, count: int) -> None:
        """A progress callback (the bulk import calls it with each batch's lines)."""
        self.advance(count)

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.bar is not None:
            self.bar.update(count)
            return
        now = monotonic()
        if now - self.last_logged >= self.log_every:
            self.last_logged = now
            logger.info("%s", self.status(now))

    def rate(self, now: float | None = None) -> float:
        elapsed = (now if now is not None else monotonic()) - self.started
        return (self.done - self.initial) / elapsed if elapsed > 0 else 0.0

    def status(self, now: float | None = None) -> str:
        """ "FHIR import: 120,000/1,000,000 resources (12.0 %), 5,321/s, about 2 min 45 s left"."""
        rate = self.rate(now)
        if self.total:
            share = 100 * self.done / self.total
            left = (self.total - self.done) / rate if rate else None
            eta = f", about {duration(left)} left" if left is not None else ""
            return (
                f"{self.label}: {self.done:,}/{self.total:,} {self.unit} ({share:.1f} %), "
                f"{rate:,.0f}/s{eta}"
            )
        return f"{self.label}: {self.done:,} {self.unit}, {rate:,.0f}/s"

    def elapsed(self) -> float:
        return monotonic() - self.started

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def tracked[T](
    items: Iterable[T],
    label: str,
    *,
    total: int | None,
    unit: str = "rows",
    stream: IO[str] | None = None,
    terminal: bool | None = None,
) -> Iterator[T]:
    """Yield the items, advancing a Progress by one for each."""
    with Progress(label, total=total, unit=unit, stream=stream, terminal=terminal) as progress:
        for item in items:
            yield item
            progress.advance()


@dataclass
class Tally:
    """What long work did: imported, updated, unchanged, refused by reason (medhome's words)."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: str, count: int = 1) -> None:
        """`outcome`: "imported" (or "created"), "updated", "unchanged"."""
        if outcome == "created":
            outcome = "imported"
        if outcome not in ("imported", "updated", "unchanged"):
            raise ValueError(f"unknown outcome {outcome!r}")
        setattr(self, outcome, getattr(self, outcome) + count)

    def refuse(self, reason: str, count: int = 1) -> None:
        self.refused[reason] += count

    @property
    def total(self) -> int:
        return self.imported + self.updated + self.unchanged + sum(self.refused.values())

    def as_dict(self) -> dict[str, object]:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "refused": dict(self.refused),
        }

    def summary(self, *, seconds: float | None = None) -> str:
        """ "1,000 imported, 20 updated, 5 unchanged, 3 refused (2 no identifier; 1 …) in 4 s"."""
        refused = sum(self.refused.values())
        parts = [
            f"{self.imported:,} imported",
            f"{self.updated:,} updated",
            f"{self.unchanged:,} unchanged",
            f"{refused:,} refused",
        ]
        text = ", ".join(parts)
        if refused:
            reasons = "; ".join(f"{n:,} {reason}" for reason, n in self.refused.most_common())
            text += f" ({reasons})"
        if seconds is not None:
            rate = self.total / seconds if seconds > 0 else 0
            text += f" in {duration(seconds)} ({rate:,.0f}/s)"
        return text
