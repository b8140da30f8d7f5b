from tests.conftest import *  # noqa: F403  (the project's cast of fixtures)
