"""The project's cast of actors (tests/conftest.py)."""

from tests.conftest import *  # noqa: F403  (the project's cast of fixtures)
