"""Shared by every test directory (tests/ and each app's tests/)."""

import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The family-link guessing counter lives in the cache: no test inherits another's tries."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request in Spanish leaves the thread's language active after it; no test inherits it."""
    translation.deactivate()
    yield
    translation.deactivate()
