"""ZIP centroids and distances, offline: the `zipcodes` package ships the US ZIP table
(shared/docs/dependencies.md: no network at run time)."""

import math
import re
from functools import cache

import zipcodes

EARTH_RADIUS_MILES = 3958.8
MILES_PER_DEGREE_LATITUDE = 2 * math.pi * EARTH_RADIUS_MILES / 360


class UnknownZipError(ValueError):
    pass


@cache
def _centroids() -> dict[str, tuple[float, float]]:
    return {z["zip_code"]: (float(z["lat"]), float(z["long"])) for z in zipcodes.list_all()}


def normalize_zip(value: str | None) -> str:
    """The 5-digit ZIP of '02903', '02903-1234' or ' 2903' (New England ZIPs lose their 0)."""
    match = re.match(r"\s*(\d{3,5})(?:-\d{4})?\s*$", value or "")
    return match.group(1).zfill(5) if match else ""


def zip_centroid(value: str | None) -> tuple[float, float] | None:
    return _centroids().get(normalize_zip(value))


def haversine_miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(center: tuple[float, float], miles: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min long, max long) holding every point within `miles` of center."""
    dlat = miles / MILES_PER_DEGREE_LATITUDE
    cos_lat = max(math.cos(math.radians(center[0])), 1e-6)
    dlon = min(180.0, dlat / cos_lat)
    return center[0] - dlat, center[0] + dlat, center[1] - dlon, center[1] + dlon


def valid_point(latitude: float | None, longitude: float | None) -> bool:
    return (
        latitude is not None
        and longitude is not None
        and -90 <= latitude <= 90
        and -180 <= longitude <= 180
    )
