"""The city's territorial units as an SVG drawn on the server (no tiles, no JavaScript).

Boundaries: the city profile's polygons (territory.polygons, or territory.units when it is
a GeoJSON file; docs/city-profile.md), as the rest of the portal reads them (opendata's
`spatial` boxes). Lima's are profiles/lima/districts.geojson (its source and licence, MPL
2.0: profiles/lima/LICENSE-districts.md). A profile without polygons gets no map (the
table beside it still lists every unit) rather than another city's."""

import json
from functools import cache
from math import cos, radians

from openlima import city

WIDTH = 360


def _source() -> tuple[str, str, str] | None:
    """(GeoJSON path, code property, name property) of the current city profile, or None
    when it has no polygons."""
    profile = city.raw()
    territory = profile.get("territory", {})
    name = territory.get("polygons") or territory.get("units") or ""
    if not name.endswith((".geojson", ".json")):
        return None
    return (
        str(city.resolve_file(name, profile)),
        territory.get("code_property", "ubigeo"),
        territory.get("name_property", "name"),
    )


@cache
def _features_of(source: tuple[str, str, str] | None) -> list[dict]:
    """The features with `ubigeo` and `name` properties (the unit's code and name)."""
    if source is None:
        return []
    path, code, name = source
    with open(path, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    return [
        {
            **f,
            "properties": {
                "ubigeo": str(f["properties"][code]),
                "name": f["properties"][name],
            },
        }
        for f in features
    ]


def _rings(geometry: dict | None):
    """Outer and inner rings; none for a district without a shape (Santa Anita has no
    geometry in the source file: it appears in the table beside the map only)."""
    if not geometry:
        return
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon


def _projection():
    return _projection_of(_source())


@cache
def _projection_of(source):
    xs, ys = [], []
    for f in _features_of(source):
        for ring in _rings(f["geometry"]):
            xs.extend(p[0] for p in ring)
            ys.extend(p[1] for p in ring)
    if not xs:  # no polygons: an empty map
        return 0.0, 0.0, 1.0, 1.0, 0
    min_x, max_x, min_y, max_y = min(xs), max(xs), min(ys), max(ys)
    k = cos(radians((min_y + max_y) / 2))
    scale = WIDTH / ((max_x - min_x) * k)
    height = round((max_y - min_y) * scale)
    return min_x, max_y, k, scale, height


def _point(lon, lat):
    min_x, max_y, k, scale, _h = _projection()
    return round((lon - min_x) * k * scale, 1), round((max_y - lat) * scale, 1)


def district_paths() -> list[dict]:
    """[{ubigeo, name, d}] SVG path data for every district."""
    return _district_paths_of(_source())


@cache
def _district_paths_of(source) -> list[dict]:
    out = []
    for f in _features_of(source):
        parts = []
        if not f["geometry"]:
            continue
        for ring in _rings(f["geometry"]):
            pts = [_point(lon, lat) for lon, lat in ring]
            parts.append("M" + "L".join(f"{x},{y}" for x, y in pts) + "Z")
        out.append(
            {
                "ubigeo": f["properties"]["ubigeo"],
                "name": f["properties"]["name"],
                "d": "".join(parts),
            }
        )
    return out


def district_centroids() -> dict[str, tuple[float, float]]:
    """ubigeo -> (lon, lat), the mean of the outer ring's vertices (a label point)."""
    return _district_centroids_of(_source())


@cache
def _district_centroids_of(source) -> dict[str, tuple[float, float]]:
    out = {}
    for f in _features_of(source):
        ring = next(_rings(f["geometry"]), None)
        if ring is None:
            continue
        lon = sum(p[0] for p in ring) / len(ring)
        lat = sum(p[1] for p in ring) / len(ring)
        out[f["properties"]["ubigeo"]] = (round(lon, 5), round(lat, 5))
    return out


def map_svg_data(*, counts: dict[str, dict], highlight: str | None = None) -> dict:
    """Everything the map template needs: size and one shape per district, with a
    colour class from the number of works in it."""
    height = _projection()[4]
    shapes = []
    for p in district_paths():
        n = (counts.get(p["ubigeo"]) or {}).get("total", 0)
        level = 0 if n == 0 else 1 if n == 1 else 2 if n <= 3 else 3
        shapes.append(
            {
                **p,
                "count": n,
                "level": level,
                "highlight": p["ubigeo"] == highlight,
            }
        )
    return {"width": WIDTH, "height": height, "shapes": shapes}
