"""Draw a GeoJSON polygon as an SVG path, for a constituency's outline without map tiles."""

import math
from collections.abc import Iterator
from typing import Any

Ring = list[list[float]]


def _rings(geometry: dict[str, Any]) -> Iterator[Ring]:
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon


def svg_path(geometry: dict[str, Any] | None, *, size: int = 240) -> tuple[str, int, int]:
    """Return (path data, width, height) fitting the shape in a ``size`` box, north up.
    Longitude is scaled by cos(latitude) so shapes are not stretched."""
    if not geometry:
        return "", size, size
    rings = list(_rings(geometry))
    xs = [p[0] for ring in rings for p in ring]
    ys = [p[1] for ring in rings for p in ring]
    squash = math.cos(math.radians((min(ys) + max(ys)) / 2))
    width = (max(xs) - min(xs)) * squash or 1e-9
    height = (max(ys) - min(ys)) or 1e-9
    scale = size / max(width, height)
    w, h = round(width * scale), round(height * scale)
    parts = []
    for ring in rings:
        points = [
            f"{(x - min(xs)) * squash * scale:.1f},{(max(ys) - y) * scale:.1f}" for x, y, *_ in ring
        ]
        parts.append("M" + "L".join(points) + "Z")
    return "".join(parts), max(w, 1), max(h, 1)
