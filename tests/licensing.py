"""The runtime dependencies' licenses, read from the installed packages' metadata, and the
policy an Apache-2.0 project ships under (docs/licenses.md states it):

- refused: the AGPL (its network clause reaches the whole service) and the GPL without a
  linking exception (it would put medhome's own code under the GPL);
- allowed: permissive licenses, the MPL (file-level copyleft, the files are not changed) and the
  LGPL (Python imports a library the way a program links a shared one, and the package is
  installed unchanged from its own distribution: dynamic linking);
- a choice (SPDX `OR`, or several license classifiers, the way dual-licensed packages declare
  it) is allowed when one alternative is; a combination (`AND`) when every part is;
- a package that declares no license at all fails until someone reads its license and adds it
  to REVIEWED with the reason.

Read in order: License-Expression (PEP 639, an SPDX expression), else the license classifiers,
else the License field. Used by tests/test_licenses.py and bench/licenses.py (docs/licenses.md).
"""

import importlib.metadata as metadata
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
# Packages whose metadata names no license, read by hand: {name: "license (where it says so)"}.
REVIEWED: dict[str, str] = {}
# SPDX exceptions that let a GPL library be used by code under another license.
LINKING_EXCEPTIONS = (
    "classpath-exception",
    "linking-exception",
    "linking-source-exception",
    "gcc-exception",
    "llvm-exception",
    "font-exception",
)


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    license: str  # as declared, shortened for a table
    source: str  # "License-Expression", "classifiers", "License" or "reviewed"
    allowed: bool | None  # None: nothing declared


def term_allowed(term: str) -> bool | None:
    """One license (an SPDX id, a classifier or a License field): allowed, refused, or None when
    it names no license medhome can judge (e.g. "Other/Proprietary License")."""
    text = term.lower()
    if "agpl" in text or "affero" in text:
        return False
    if "lgpl" in text or "lesser general public" in text or "library general public" in text:
        return True
    if re.search(r"\bgpl|general public license", text):
        return any(exception in text for exception in LINKING_EXCEPTIONS)
    if "proprietary" in text or "unknown" in text or not text.strip():
        return None
    return True


def expression_allowed(expression: str) -> bool | None:
    """An SPDX license expression: OR is a choice, AND binds tighter, WITH names an exception."""
    tokens = re.findall(r"\(|\)|[^\s()]+", expression)
    position = 0

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> str:
        nonlocal position
        position += 1
        return tokens[position - 1]

    def either() -> bool | None:
        results = [both()]
        while (peek() or "").upper() == "OR":
            take()
            results.append(both())
        if any(r is True for r in results):
            return True
        return None if None in results else False

    def both() -> bool | None:
        results = [single()]
        while (peek() or "").upper() == "AND":
            take()
            results.append(single())
        if any(r is False for r in results):
            return False
        return None if None in results else True

    def single() -> bool | None:
        if peek() == "(":
            take()
            result = either()
            if peek() == ")":
                take()
            return result
        term = take()
        if (peek() or "").upper() == "WITH":
            take()
            term = f"{term} WITH {take()}"
        return term_allowed(term)

    return either() if tokens else None


def judge(name: str, version: str, meta: metadata.PackageMetadata) -> Package:
    expression = meta.get("License-Expression")
    if expression:
        return Package(
            name, version, expression, "License-Expression", expression_allowed(expression)
        )
    classifiers = [
        c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")
    ]
    classifiers = [c for c in classifiers if c != "OSI Approved"]
    if classifiers:
        verdicts = [term_allowed(c) for c in classifiers]
        allowed = True if True in verdicts else (None if None in verdicts else False)
        return Package(name, version, " / ".join(classifiers), "classifiers", allowed)
    field = (meta.get("License") or "").strip()
    if field:
        # Some packages put the whole license text here: its first line names it.
        first = field.splitlines()[0][:80]
        return Package(name, version, first, "License", term_allowed(field[:300]))
    if name in REVIEWED:
        return Package(name, version, REVIEWED[name], "reviewed", term_allowed(REVIEWED[name]))
    return Package(name, version, "(none declared)", "", None)


def runtime_requirements() -> list[Requirement]:
    """The project's runtime dependencies as pyproject.toml declares them (not the dev extra)."""
    with PYPROJECT.open("rb") as handle:
        declared = tomllib.load(handle)["project"]["dependencies"]
    return [Requirement(line) for line in declared]


def runtime_closure() -> list[Package]:
    """Every installed package the runtime dependencies need, with the extras asked for, the
    environment markers evaluated here; sorted by name."""
    extras_of: dict[str, set[str]] = {}
    pending = runtime_requirements()
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        wanted = set(requirement.extras)
        if name in extras_of and wanted <= extras_of[name]:
            continue
        extras_of[name] = extras_of.get(name, set()) | wanted
        for line in metadata.distribution(name).requires or []:
            needed = Requirement(line)
            environments = [{"extra": extra} for extra in sorted(extras_of[name])] or [
                {"extra": ""}
            ]
            if needed.marker is None or any(needed.marker.evaluate(e) for e in environments):
                pending.append(needed)
    packages = []
    for name in sorted(extras_of):
        distribution = metadata.distribution(name)
        packages.append(judge(name, distribution.version, distribution.metadata))
    return packages
