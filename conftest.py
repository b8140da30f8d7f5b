"""Shared by every test directory (tests/ and each app's tests/)."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The family-link guessing counter lives in the cache: no test inherits another's tries."""
    cache.clear()
    yield
    cache.clear()
