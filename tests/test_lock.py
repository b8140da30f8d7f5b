"""The lock (requirements/*.txt, written by `make lock`) is in step with pyproject.toml: every
declared dependency is pinned, at a version its range allows, with hashes; dev.txt carries the
runtime pins unchanged. Offline: it reads the files only. A failure here means pyproject.toml was
edited without `make lock`."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def pins(text: str) -> dict[str, str]:
    """{canonical name: version} of a pip-compile lock; raises if a pin has no hash."""
    found: dict[str, str] = {}
    entries = re.split(r"\n(?=[A-Za-z0-9])", text)
    for entry in entries:
        match = PIN.match(entry)
        if not match:
            continue
        name = canonicalize_name(match.group(1))
        if "--hash=sha256:" not in entry:
            raise ValueError(f"{name} is pinned without a hash")
        found[name] = match.group(2)
    return found


def lock_problems(declared: list[str], pinned: dict[str, str]) -> list[str]:
    problems = []
    for line in declared:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        if name not in pinned:
            problems.append(f"{name} is declared but not in the lock")
        elif not requirement.specifier.contains(pinned[name], prereleases=True):
            problems.append(f"{name}=={pinned[name]} is outside {requirement.specifier}")
    return problems


def declared() -> tuple[list[str], list[str]]:
    with (REPO / "pyproject.toml").open("rb") as handle:
        project = tomllib.load(handle)["project"]
    return project["dependencies"], project["optional-dependencies"]["dev"]


def lock(name: str) -> dict[str, str]:
    return pins((REPO / "requirements" / name).read_text(encoding="utf-8"))


def test_the_runtime_lock_pins_every_runtime_dependency():
    runtime, _ = declared()
    pinned = lock("runtime.txt")
    assert {"django", "psycopg-binary", "psycopg-pool"} <= set(pinned)  # extras resolved too
    assert lock_problems(runtime, pinned) == [], "pyproject.toml changed: run `make lock`"


def test_the_dev_lock_pins_runtime_and_dev_with_the_runtime_versions():
    runtime, dev = declared()
    pinned = lock("dev.txt")
    assert lock_problems(runtime + dev, pinned) == [], "pyproject.toml changed: run `make lock`"
    runtime_pins = lock("runtime.txt")
    differing = {n: (v, pinned.get(n)) for n, v in runtime_pins.items() if pinned.get(n) != v}
    assert differing == {}, "requirements/dev.txt must carry requirements/runtime.txt's pins"


STALE = """\
django==6.0.9 \\
    --hash=sha256:aaaa
    # via medhome (pyproject.toml)
requests==2.34.2 \\
    --hash=sha256:bbbb \\
    --hash=sha256:cccc
"""


def test_a_stale_lock_is_reported():
    problems = lock_problems(["Django~=6.1.3", "requests~=2.32", "tqdm~=4.70"], pins(STALE))
    assert problems == [
        "django==6.0.9 is outside ~=6.1.3",
        "tqdm is declared but not in the lock",
    ]


def test_a_pin_without_a_hash_is_refused():
    with pytest.raises(ValueError, match="requests is pinned without a hash"):
        pins("django==6.1.3 \\\n    --hash=sha256:aaaa\nrequests==2.34.2\n")
