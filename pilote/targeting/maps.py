"""Shapes of the choropleth map: the territories' stored national-map contours, and the EPCI's contours derived once
per edition from the commune contours (the same dissolve and simplification as a territory's, ADR 0006) and kept in
the shared cache. The GeoJSON is assembled from stored strings, never parsed in a request."""

import orjson
from django.conf import settings
from django.core.cache import cache

from pilote.geography.models import CommuneContour
from pilote.geography.projection import edition_index
from pilote.territories.models import PerimeterVersion, Phase, Resolution
from pilote.territories.resolution import CONTOUR_EDITION, NATIONAL_TOLERANCE, dissolve, load_all_contours, to_geojson

from .ranking import Ranking

EPCI_SHAPES_KEY = "targeting:epci-shapes:v1:{edition}:{contours}"
# 1,266 EPCI tile the whole country: at the territories' 4 decimals their map weighs 1.2 MB; on a grid of 3 decimals
# (≈ 100 m, finer than the 1.5 km simplification) it weighs 0.76 MB (bench section l).
EPCI_DECIMALS = 3
EPCI_SHAPES_SECONDS = None  # derived data of an edition: kept until the cache is cleared (the key names its inputs)


def territory_shapes(phase_slug: str) -> dict[str, str]:
    """Code → national-map GeoJSON of the current map of a phase, on the platform's edition. Two queries."""
    phase = Phase.objects.filter(slug=phase_slug).first()
    if phase is None:
        return {}
    versions = PerimeterVersion.objects.state_of(phase)
    rows = Resolution.objects.filter(version__in=versions, edition_id=settings.DEFAULT_EDITION)
    return dict(rows.values_list("version__territory__code", "geometry_light"))


def derive_epci_shapes(edition: int) -> dict[str, str]:
    """SIREN → national-map GeoJSON of every EPCI of `edition`, dissolved from the commune contours."""
    contours = load_all_contours()
    if not contours:
        return {}
    target = edition_index(edition)
    contour_index = edition_index(CONTOUR_EDITION) if edition != CONTOUR_EDITION else target
    shapes = {}
    for siren, members in target.epci_members.items():
        shape = dissolve(set(members), target, contour_index, contours)
        shapes[siren] = to_geojson(shape, NATIONAL_TOLERANCE, EPCI_DECIMALS)
    return shapes


def epci_shapes(edition: int) -> dict[str, str]:
    """The EPCI contours of `edition`, derived on the first request after the contours change, then cached."""
    key = EPCI_SHAPES_KEY.format(edition=edition, contours=CommuneContour.objects.count())
    shapes = cache.get(key)
    if shapes is None:
        shapes = derive_epci_shapes(edition)
        cache.set(key, shapes, EPCI_SHAPES_SECONDS)
    return shapes


def choropleth(result: Ranking, phase_slug: str, edition: int) -> bytes:
    """FeatureCollection of the ranked units that have a contour, each with its value and map colour."""
    shapes = territory_shapes(phase_slug) if phase_slug else epci_shapes(edition)
    features = []
    for row in result.rows:
        geometry = shapes.get(row.code)
        if not geometry:
            continue
        value = row.value if result.indicator else row.score
        properties = {"code": row.code, "name": row.name, "region": row.region_code, "colour": row.colour}
        properties |= {"value": None if value is None else round(value, 3), "rank": row.rank_national}
        features.append(
            b'{"type":"Feature","properties":' + orjson.dumps(properties) + b',"geometry":' + geometry.encode() + b"}"
        )
    return b'{"type":"FeatureCollection","features":[' + b",".join(features) + b"]}"
