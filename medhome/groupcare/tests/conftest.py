from tests.conftest import *  # noqa: F403  (the project's cast of fixtures)

from .support import babies, cohort, runner, site_a  # noqa: F401  (the group's fixtures)
