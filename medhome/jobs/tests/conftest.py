import pytest

from medhome.jobs import registry


@pytest.fixture
def only_test_jobs(monkeypatch):
    """The registry with none of the apps' jobs: a test registers exactly what it schedules."""
    monkeypatch.setattr(registry, "_jobs", {})
    return registry
