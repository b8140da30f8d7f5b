"""Settings of the sending benchmark's processes (bench/messaging_send.py): medhome's, with the
practice's quiet hours set aside so a run at any hour of the day sends (the bench measures the
sender, not the clock), and a claim that lapses sooner for the kill drill."""

import os

from medhome.settings import *  # noqa: F403
from medhome.settings import MEDHOME_MESSAGING as SHIPPED

MEDHOME_MESSAGING = {
    **SHIPPED,
    "quiet_starts": "00:00",
    "quiet_ends": "00:00",
    # Read with int() (messaging.rules.setting's callers), as the shipped values are.
    "claim_seconds": os.environ.get("MEDHOME_BENCH_CLAIM_SECONDS", "120"),
}
