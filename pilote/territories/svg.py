"""A perimeter's GeoJSON drawn as inline SVG on the server: for PDFs (no script runs there) and for pages that show a
frozen contour. Longitude and latitude are projected equirectangularly, longitudes shrunk by the cosine of the middle
latitude, so that a territory keeps its shape at the scale of a département."""

import math

import shapely
from django.utils.html import format_html

POINTS_ACROSS = 600  # detail kept: a tolerance of 1/600 of the drawing's larger side, finer than a printed hairline


def _rings(geometry: dict) -> list[list]:
    kind = geometry.get("type") if geometry else None
    if kind == "Polygon":
        return list(geometry["coordinates"])
    if kind == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    if kind == "GeometryCollection":
        return [ring for part in geometry.get("geometries", []) for ring in _rings(part)]
    return []


def _simplified(rings: list[list]) -> list[list]:
    """Each ring with the points a drawing of this size cannot show taken out (a large territory's detailed contour
    holds tens of thousands of points)."""
    xs = [p[0] for ring in rings for p in ring]
    ys = [p[1] for ring in rings for p in ring]
    tolerance = max(max(xs) - min(xs), max(ys) - min(ys)) / POINTS_ACROSS
    simplified = [shapely.LinearRing(ring).simplify(tolerance, preserve_topology=True) for ring in rings]
    return [list(r.coords) for r in simplified if len(r.coords) >= 4]


def svg_path(geometry: dict | None, *, width: int = 400, height: int = 300, margin: int = 8) -> str:
    """The `d` of one SVG path drawing every ring of `geometry` fitted in width × height; "" without a polygon."""
    rings = [ring for ring in _rings(geometry or {}) if len(ring) >= 3]
    if not rings:
        return ""
    rings = _simplified(rings)
    points = [point for ring in rings for point in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    shrink = math.cos(math.radians((south + north) / 2))
    span_x, span_y = max((east - west) * shrink, 1e-9), max(north - south, 1e-9)
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    left = (width - span_x * scale) / 2
    top = (height - span_y * scale) / 2

    def xy(point) -> str:
        return f"{left + (point[0] - west) * shrink * scale:.1f} {top + (north - point[1]) * scale:.1f}"

    return " ".join("M" + " L".join(xy(p) for p in ring) + " Z" for ring in rings)


def perimeter_svg(geometry: dict | None, *, label: str, width: int = 400, height: int = 300) -> str:
    """An <svg> of the contour with its accessible name, or "" when there is nothing to draw."""
    path = svg_path(geometry, width=width, height=height)
    if not path:
        return ""
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-label="{label}" class="ti-svg-map"><title>{label}</title>'
        '<path d="{d}" fill="#cacafb" stroke="#000091" stroke-width="1" fill-rule="evenodd"/></svg>',
        w=width,
        h=height,
        label=label,
        d=path,
    )
