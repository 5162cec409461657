"""Bounding boxes of Lima's districts (opendata/data/lima-districts.geojson, INEI 2007
limits, MPL-2.0: see opendata/data/README.md) for the GeoJSON `spatial` of datasets."""

import json
from functools import lru_cache
from pathlib import Path

DISTRICTS_GEOJSON = Path(__file__).resolve().parent / "data" / "lima-districts.geojson"
CITY_NAME = "Lima Metropolitana"


def _points(coordinates):
    if coordinates and isinstance(coordinates[0], int | float):
        yield coordinates
        return
    for item in coordinates:
        yield from _points(item)


@lru_cache(maxsize=1)
def district_bboxes() -> dict[str, tuple[float, float, float, float]]:
    """ubigeo -> (min lon, min lat, max lon, max lat) of the districts with a polygon."""
    data = json.loads(DISTRICTS_GEOJSON.read_text(encoding="utf-8"))
    boxes = {}
    for feature in data["features"]:
        if not feature.get(
            "geometry"
        ):  # Santa Anita (150137) has no polygon in the file
            continue
        xs, ys = zip(*_points(feature["geometry"]["coordinates"]), strict=False)
        boxes[feature["properties"]["ubigeo"]] = (min(xs), min(ys), max(xs), max(ys))
    return boxes


def bbox(ubigeos=()) -> tuple[float, float, float, float]:
    """The box around these districts; the whole city's when none is known."""
    boxes = district_bboxes()
    chosen = [boxes[u] for u in ubigeos if u in boxes] or list(boxes.values())
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
