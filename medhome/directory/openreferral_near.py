"""The Open Referral API's place filters on `/service_at_locations` (hsds_schema/openapi.json
components.parameters): `postcode` — "the postcode or zip code of a point used to check service
coverage. If `service_area` is available, only return results where the postcode exists within
the `service_area`. If `proximity` is provided, only show results within the proximity from the
centroid of the postcode" — and `proximity`, in meters from that centroid.

The point is the ZIP's centroid (geo.zip_centroid, offline). A service area is read when medhome
can tell what it covers: GeoJSON (Polygon, MultiPolygon, a Feature or FeatureCollection of them)
or text that lists ZIP codes and nothing else. A service is left out only when every one of its
areas can be read and none holds the point: an area medhome cannot read ("postcodes starting
with AB1", KML) never hides a service. A location is placed by its coordinates, else by its
address's ZIP centroid (the directory search's rule, search_index.py); one with neither is never
within a proximity.
"""

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from .geo import haversine_miles, normalize_zip, valid_point, zip_centroid
from .models import Address, ServiceArea

METERS_PER_MILE = 1609.344
# The farthest proximity asked (a whole state is ~1,000 km across): a bound, not a filter.
MAX_PROXIMITY_METERS = 2_000_000
Point = tuple[float, float]  # (latitude, longitude)


def parse_postcode(name: str, value: str) -> str:
    from .openreferral import BadRequest

    zip_code = normalize_zip(value)
    if not zip_code or zip_centroid(zip_code) is None:
        raise BadRequest(f"{name} must be a known US ZIP code such as 02903, not {value!r}.")
    return zip_code


def parse_proximity(name: str, value: str) -> float:
    from .openreferral import BadRequest

    try:
        meters = float(value)
    except ValueError:
        meters = -1.0
    if not 0 < meters <= MAX_PROXIMITY_METERS:
        raise BadRequest(
            f"{name} must be a distance in meters above 0 and at most "
            f"{MAX_PROXIMITY_METERS:,}, not {value!r}."
        )
    return meters


PLACE_FILTERS = {"postcode": parse_postcode, "proximity": parse_proximity}


def near(q: dict[str, Any], rows: QuerySet) -> QuerySet:
    """Service-at-locations narrowed by `postcode` (coverage) and `proximity` (distance)."""
    from .openreferral import BadRequest

    if "proximity" in q and "postcode" not in q:
        raise BadRequest("proximity needs a postcode: the distance is from its centroid.")
    if "postcode" not in q:
        return rows
    point = zip_centroid(q["postcode"])
    assert point is not None  # parse_postcode refused an unknown ZIP
    rows = rows.exclude(service_id__in=_services_not_covering(point, q["postcode"]))
    if "proximity" in q:
        rows = rows.filter(pk__in=_within(rows, point, q["proximity"] / METERS_PER_MILE))
    return rows


def _services_not_covering(point: Point, zip_code: str) -> list[Any]:
    areas: dict[Any, list[bool | None]] = defaultdict(list)
    for service_id, extent, extent_type in ServiceArea.objects.values_list(
        "service_id", "extent", "extent_type"
    ):
        areas[service_id].append(covers(extent, extent_type, point, zip_code))
    return [s for s, found in areas.items() if found and all(f is False for f in found)]


def _within(rows: QuerySet, point: Point, miles: float) -> list[Any]:
    first_zip = Address.objects.filter(location_id=OuterRef("location_id")).order_by("pk")
    placed = rows.annotate(zip_code=Subquery(first_zip.values("postal_code")[:1])).values_list(
        "pk", "location__latitude", "location__longitude", "zip_code"
    )
    keep = []
    for pk, latitude, longitude, zip_code in placed:
        where = (latitude, longitude) if valid_point(latitude, longitude) else None
        where = where or zip_centroid(zip_code)
        if where is not None and haversine_miles(point, where) <= miles:
            keep.append(pk)
    return keep


def covers(extent: str, extent_type: str, point: Point, zip_code: str) -> bool | None:
    """Does the area hold the point (True/False), or can medhome not tell (None)?"""
    kind = (extent_type or "").strip().lower()
    if kind == "geojson":
        try:
            polygons = list(_polygons(json.loads(extent)))
        except (ValueError, TypeError, KeyError, IndexError):
            return None
        if not polygons:
            return None
        return any(_in_polygon(point, polygon) for polygon in polygons)
    if kind == "text":
        tokens = [t for t in re.split(r"[\s,;]+", extent or "") if t]
        if tokens and all(re.fullmatch(r"\d{5}(-\d{4})?", t) for t in tokens):
            return zip_code in {normalize_zip(t) for t in tokens}
    return None


def _polygons(geojson: Any) -> Iterable[list[list[list[float]]]]:
    """Each polygon's rings ([[lon, lat], …], the outer ring first) of a GeoJSON object."""
    kind = geojson["type"]
    if kind == "FeatureCollection":
        for feature in geojson["features"]:
            yield from _polygons(feature)
    elif kind == "Feature":
        yield from _polygons(geojson["geometry"])
    elif kind == "Polygon":
        yield geojson["coordinates"]
    elif kind == "MultiPolygon":
        yield from geojson["coordinates"]
    elif kind == "GeometryCollection":
        for geometry in geojson["geometries"]:
            yield from _polygons(geometry)


def _in_ring(point: Point, ring: list[list[float]]) -> bool:
    """Even-odd ray casting in the plane of (longitude, latitude), as GeoJSON's rings are."""
    y, x = point
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _in_polygon(point: Point, rings: list[list[list[float]]]) -> bool:
    """Inside the outer ring and in none of its holes."""
    outer, *holes = rings
    return _in_ring(point, outer) and not any(_in_ring(point, hole) for hole in holes)
