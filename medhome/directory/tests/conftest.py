from pathlib import Path

import pytest

from medhome.directory.hsds import import_datapackage

EXAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "hsds-examples"


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture
def imported_examples(db):
    report = import_datapackage(EXAMPLES / "csv")
    assert report.ok, report.errors
    return report


@pytest.fixture
def network(db):
    from tests import factories

    return factories.make_network()
