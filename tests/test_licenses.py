"""medhome is Apache-2.0: every installed runtime dependency (the closure of pyproject.toml's
`dependencies`, extras included) must carry a license an Apache-2.0 project can ship with.
The policy is stated in tests/licensing.py and docs/licenses.md."""

import tomllib
from pathlib import Path

import pytest

from tests.licensing import PYPROJECT, expression_allowed, runtime_closure, term_allowed

REPO = Path(__file__).resolve().parent.parent


def test_every_runtime_dependency_may_ship_with_an_apache_project():
    packages = runtime_closure()
    names = {package.name for package in packages}
    assert {"django", "psycopg", "weasyprint"} <= names  # the closure was read
    refused = [p for p in packages if p.allowed is False]
    undeclared = [p for p in packages if p.allowed is None]
    assert not refused, f"licenses an Apache-2.0 project cannot ship with: {refused}"
    assert not undeclared, f"no license to judge: read it and add it to REVIEWED: {undeclared}"


@pytest.mark.parametrize(
    ("expression", "allowed"),
    [
        ("MIT", True),
        ("Apache-2.0 OR BSD-3-Clause", True),
        ("LGPL-3.0-only", True),  # dynamic linking: imported, installed unchanged
        ("MPL-2.0", True),
        ("MIT AND (BSD-2-Clause OR LGPL-2.1-or-later)", True),
        ("GPL-3.0-or-later OR MIT", True),  # a choice: medhome takes MIT
        ("AGPL-3.0-only", False),
        ("GPL-2.0-only", False),
        ("MIT AND GPL-3.0-only", False),
        ("(MIT OR GPL-2.0-only) AND AGPL-3.0-or-later", False),
        ("GPL-2.0-only WITH Classpath-exception-2.0", True),
        ("GPL-3.0-or-later WITH GPL-3.0-linking-exception", True),
        ("LicenseRef-Proprietary", None),
    ],
)
def test_spdx_expressions(expression, allowed):
    assert expression_allowed(expression) is allowed


@pytest.mark.parametrize(
    ("classifier", "allowed"),
    [
        ("GNU Affero General Public License v3", False),
        ("GNU General Public License v2 or later (GPLv2+)", False),
        ("GNU Lesser General Public License v3 (LGPLv3)", True),
        ("BSD License", True),
        ("Other/Proprietary License", None),
    ],
)
def test_classifiers_and_license_fields(classifier, allowed):
    assert term_allowed(classifier) is allowed


def test_the_project_declares_apache_2_0_and_ships_its_text():
    with PYPROJECT.open("rb") as handle:
        project = tomllib.load(handle)["project"]
    assert project["license"] == "Apache-2.0"
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text
