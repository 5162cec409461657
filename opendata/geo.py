"""Bounding boxes of the city's territorial units for the GeoJSON `spatial` of datasets,
from the city profile's polygons (docs/city-profile.md: `territory.polygons`, or the
`territory.units` file when it is a GeoJSON; Lima's are INEI 2007 limits, MPL-2.0)."""

import json
from functools import lru_cache

from openlima import city


def _polygons_file():
    territory = city.raw()["territory"]
    name = territory.get("polygons") or territory["units"]
    if not name.endswith((".geojson", ".json")):
        return None, territory
    return city.resolve_file(name), territory


def city_name(language: str | None = None) -> str:
    """The whole city's spatial label ('Lima Metropolitana', 'Municipio de La Paz')."""
    profile = city.city(language)
    return profile.get("territory", {}).get("whole_city_label") or profile["name"]


def city_uri() -> str:
    """The whole city's GeoNames URI (profile `territory.geonames_uri`)."""
    return city.raw()["territory"].get("geonames_uri", "")


def _points(coordinates):
    if coordinates and isinstance(coordinates[0], int | float):
        yield coordinates
        return
    for item in coordinates:
        yield from _points(item)


def district_bboxes() -> dict[str, tuple[float, float, float, float]]:
    """code -> (min lon, min lat, max lon, max lat) of the units with a polygon."""
    return _bboxes(city.raw()["_dir"], city.raw()["territory"].get("polygons", ""))


@lru_cache(maxsize=4)
def _bboxes(profile_dir: str, polygons: str) -> dict:
    path, territory = _polygons_file()
    if path is None:
        return {}
    code_property = territory.get("code_property", "code")
    data = json.loads(path.read_text(encoding="utf-8"))
    boxes = {}
    for feature in data["features"]:
        if not feature.get(
            "geometry"
        ):  # Santa Anita (150137) has no polygon in the file
            continue
        xs, ys = zip(*_points(feature["geometry"]["coordinates"]), strict=False)
        boxes[str(feature["properties"][code_property])] = (
            min(xs),
            min(ys),
            max(xs),
            max(ys),
        )
    return boxes


def bbox(ubigeos=()) -> tuple[float, float, float, float]:
    """The box around these districts; the whole city's when none is known."""
    boxes = district_bboxes()
    chosen = [boxes[u] for u in ubigeos if u in boxes] or list(boxes.values())
    if not chosen:  # a profile without polygons: no box rather than a wrong one
        return (0.0, 0.0, 0.0, 0.0)
    return (
        round(min(b[0] for b in chosen), 6),
        round(min(b[1] for b in chosen), 6),
        round(max(b[2] for b in chosen), 6),
        round(max(b[3] for b in chosen), 6),
    )


def bbox_polygon(ubigeos=()) -> dict:
    """A GeoJSON Polygon of `bbox(ubigeos)` (counter-clockwise, closed)."""
    w, s, e, n = bbox(ubigeos)
    return {
        "type": "Polygon",
        "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]],
    }


def bbox_wkt(ubigeos=()) -> str:
    w, s, e, n = bbox(ubigeos)
    return f"POLYGON(({w} {s}, {e} {s}, {e} {n}, {w} {n}, {w} {s}))"
