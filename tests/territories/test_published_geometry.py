"""Every contour the platform publishes is valid after rounding and winds as RFC 7946 asks, whatever the contours
it was computed from: the tiny France here gets a commune drawn clockwise with an islet smaller than the grid."""

import orjson
import pytest
import shapely
from django.core.management import call_command
from django.urls import reverse

from pilote.geography.contours import write_contours
from pilote.territories.models import Resolution
from pilote.territories.resolution import DETAIL_TOLERANCE, GEOMETRY_FORMAT, resolve_all, to_geojson

from .. import world as w
from ..geometry import collection_problems, problems

# An islet of 2e-5° (2 m): rounding to 4 decimals left it a ring of identical points, which GEOS rejects.
ISLET = shapely.Polygon([(2.30001, 45.50001), (2.30003, 45.50001), (2.30002, 45.50003)])
CLOCKWISE_ALPHA = shapely.Polygon([(0, 45), (0, 46), (1, 46), (1, 45)])
# A ring whose two sides run 3e-5° apart: rounding folds it onto itself (a self-intersection).
PINCHED = shapely.Polygon([(4, 45), (5, 45), (5, 45.50004), (4.5, 45.50001), (4.5, 45.49998), (5, 45.49998)])


@pytest.fixture
def hostile_world(mini_world):
    contours = w.contours()
    contours["01001"] = shapely.to_wkb(shapely.MultiPolygon([CLOCKWISE_ALPHA, ISLET]))
    contours["39001"] = shapely.to_wkb(shapely.MultiPolygon([w.square(4).difference(PINCHED.buffer(0))]))
    write_contours(contours)
    resolve_all(edition=2026)
    return mini_world


@pytest.mark.parametrize(
    "shape",
    [
        shapely.MultiPolygon([CLOCKWISE_ALPHA, ISLET]),
        shapely.MultiPolygon([shapely.box(0, 45, 1, 46), shapely.box(0.2, 45.2, 0.8, 45.8)]),  # nested shells
        shapely.box(0, 45, 1, 46).difference(shapely.box(0.2, 45.2, 0.8, 45.8)).reverse(),  # hole CCW
    ],
)
@pytest.mark.parametrize("tolerance", [0.0, DETAIL_TOLERANCE])
def test_a_published_contour_is_valid_and_counterclockwise(shape, tolerance):
    assert problems(to_geojson(shape, tolerance)) == []


def test_the_national_maps_are_publishable(client, hostile_world):
    for phase in ("2018-2022", "2023-2027"):
        api = orjson.loads(client.get(f"/api/phases/{phase}/territories.geojson").content)
        page_map = orjson.loads(client.get(reverse("territories:phase_geojson", args=[phase])).content)
        assert len(api["features"]) == 2 and all(f["geometry"] for f in api["features"])
        assert collection_problems(api) == {} and collection_problems(page_map) == {}


def test_the_territory_pages_and_stored_contours_are_publishable(client, hostile_world):
    resolutions = Resolution.objects.filter(edition_id=2026)
    assert {r.geometry_format for r in resolutions} == {GEOMETRY_FORMAT}
    for resolution in resolutions:
        assert problems(resolution.geometry) == [] and problems(resolution.geometry_light) == []
    page = client.get(reverse("territories:detail", args=["2023-2027", "ti-8401"])).content.decode()
    embedded = page.split('<script id="territory-geometry" type="application/json">')[1].split("</script>")[0]
    assert problems(embedded) == []


def test_resolutions_stored_in_an_older_form_are_recomputed_once(hostile_world):
    old = shapely.to_geojson(shapely.MultiPolygon([CLOCKWISE_ALPHA, ISLET]))
    Resolution.objects.update(geometry=old, geometry_format=1)

    call_command("resolve_perimeters")

    assert not Resolution.objects.filter(geometry_format=1).exists()
    assert not Resolution.objects.filter(geometry=old).exists()
    computed = dict(Resolution.objects.values_list("pk", "computed_at"))
    call_command("resolve_perimeters")  # bootstrap's second run: nothing to do
    assert dict(Resolution.objects.values_list("pk", "computed_at")) == computed
