"""A perimeter's GeoJSON drawn as inline SVG on the server (PDFs run no script)."""

import re

from pilote.territories.svg import perimeter_svg, svg_path

SQUARE = {"type": "Polygon", "coordinates": [[[5.0, 46.0], [6.0, 46.0], [6.0, 47.0], [5.0, 47.0], [5.0, 46.0]]]}


def _points(path: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+) (-?[\d.]+)", path)]


def test_the_contour_fits_the_drawing_and_keeps_north_up():
    path = svg_path(SQUARE, width=400, height=300, margin=10)
    points = _points(path)
    assert path.startswith("M") and path.endswith("Z")
    assert all(10 - 0.1 <= x <= 390.1 and 10 - 0.1 <= y <= 290.1 for x, y in points)
    assert points[0][1] > points[2][1]  # the south-west corner is drawn below the north-east one
    width = max(x for x, _ in points) - min(x for x, _ in points)
    height = max(y for _, y in points) - min(y for _, y in points)
    assert round(width / height, 2) == 0.69  # a degree of longitude is cos(46.5°) of a degree of latitude


def test_every_ring_of_a_multipolygon_is_drawn():
    hole = [[5.4, 46.4], [5.6, 46.4], [5.6, 46.6], [5.4, 46.6], [5.4, 46.4]]
    multi = {"type": "MultiPolygon", "coordinates": [[SQUARE["coordinates"][0], hole], SQUARE["coordinates"]]}
    assert svg_path(multi).count("M") == 3


def test_nothing_to_draw_gives_nothing():
    assert svg_path(None) == "" and perimeter_svg({"type": "Point", "coordinates": [5, 46]}, label="x") == ""


def test_the_drawing_has_an_accessible_name_escaped():
    svg = perimeter_svg(SQUARE, label="Périmètre de <Ain>")
    assert (
        'role="img" aria-label="Périmètre de &lt;Ain&gt;"' in svg and "<title>Périmètre de &lt;Ain&gt;</title>" in svg
    )


def test_points_a_drawing_cannot_show_are_left_out():
    import math

    circle = [[5 + math.cos(i / 5000 * 2 * math.pi), 46 + math.sin(i / 5000 * 2 * math.pi)] for i in range(5000)]
    path = svg_path({"type": "Polygon", "coordinates": [circle + [circle[0]]]})
    assert 50 < len(_points(path)) < 500
