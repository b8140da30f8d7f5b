"""A household's heritage: its race/ethnicity categories, home language and name pools.

Drawn once per household so that names, language and what the registration form records agree
(parameters: HERITAGE, MULTIRACIAL_PAIRS, LANGUAGE_BY_HERITAGE, RACE_RECORDED).
"""

from dataclasses import dataclass
from random import Random

from . import parameters as P
from .names import POOLS, NamePool, pool_for


@dataclass(frozen=True)
class Heritage:
    categories: tuple[str, ...]  # RaceEthnicity codes, sorted as services store them
    language: str
    surname_pool: NamePool
    given_pools: tuple[NamePool, ...]


def draw_heritage(rng: Random) -> Heritage:
    key = P.HERITAGE.pick(rng)
    if key != "multiple":
        language = P.LANGUAGE_BY_HERITAGE[key].pick(rng)
        pool = pool_for(key, language)
        return Heritage((key,), language, pool, (pool,))
    pair = P.MULTIRACIAL_PAIRS.pick(rng)
    spanish = "hispanic" in pair and rng.random() < P.MULTIRACIAL_HISPANIC_SPANISH_SHARE
    language = "es" if spanish else "en"
    pools = (pool_for(pair[0], language), pool_for(pair[1], language))
    surname_pool = POOLS["hispanic"] if spanish else pools[0]
    return Heritage(tuple(sorted(pair)), language, surname_pool, pools)


def recorded_race(rng: Random, heritage: Heritage) -> tuple[list[str], str]:
    """What the registration form holds: categories and own words, "declined", or nothing."""
    recorded = P.RACE_RECORDED.pick(rng)
    if recorded == "declined":
        return ["declined"], ""
    if recorded == "not_asked":
        return [], ""
    detail = ""
    if rng.random() < P.RACE_DETAIL_SHARE:
        detail = " and ".join(dict.fromkeys(rng.choice(p.details) for p in heritage.given_pools))
    return list(heritage.categories), detail
