"""Reads for the public pages: stored Resolution figures of a map state, never recomputed in a request.

Each function runs a fixed number of queries, whatever the number of territories, communes or EPCI.
"""

from dataclasses import dataclass
from typing import NamedTuple

import orjson
from django.conf import settings
from django.db.models import Count, OuterRef, Subquery, Sum

from pilote.geography.enums import CommuneKind
from pilote.geography.models import Commune, Departement, Epci, Region

from .models import PerimeterVersion, Resolution, ResolvedCommune, ResolvedEpci


def current_versions():
    """Today's map of every phase, as a subquery: the current version of each territory still in the programme.

    The same rule as `PerimeterVersion.objects.state_of(phase)` without a date, for all phases in one query.
    """
    return PerimeterVersion.objects.current().filter(territory__withdrawn_on__isnull=True)


def resolutions_of(versions, edition: int):
    """Stored resolutions of `versions` on `edition`, without their contours (`.defer(None)` reads them)."""
    return Resolution.objects.filter(version__in=versions, edition_id=edition).defer("geometry", "geometry_light")


@dataclass
class PhaseFigures:
    territories: int
    communes: int
    population: int
    epcis: int


def phase_figures(versions: list[PerimeterVersion], edition: int) -> PhaseFigures:
    """Headline figures of a map state, a commune in two territories counted once. Three queries.

    Sums the stored figures of each territory, then takes out the communes found in several territories (rare):
    much faster than counting distinct communes over all resolved rows.
    """
    resolutions = resolutions_of(versions, edition)
    totals = resolutions.aggregate(communes=Sum("communes_count"), population=Sum("population"))
    rows = ResolvedCommune.objects.filter(resolution__in=resolutions)
    repeated = rows.values("code").annotate(times=Count("id")).filter(times__gt=1).values("code")
    times = rows.filter(code=OuterRef("code")).values("code").annotate(n=Count("id")).values("n")
    extra = (
        Commune.objects.filter(edition_id=edition, kind=CommuneKind.CURRENT, code__in=Subquery(repeated))
        .annotate(times=Subquery(times))
        .values_list("times", "population")
    )
    extra = list(extra)
    communes = (totals["communes"] or 0) - sum(n - 1 for n, _ in extra)
    population = (totals["population"] or 0) - sum((n - 1) * (pop or 0) for n, pop in extra)
    epcis = ResolvedEpci.objects.filter(resolution__in=resolutions).values("siren").distinct().count()
    return PhaseFigures(len(versions), communes, population, epcis)


def phase_geojson(versions, edition: int) -> bytes:
    """FeatureCollection of a map state from the stored light contours (concatenated, not parsed); a territory
    without a stored contour on `edition` (contours are computed on the platform's edition) has a null geometry."""
    rows = (
        Resolution.objects.filter(version__in=versions, edition_id=edition)
        .values_list(
            "version__territory__code",
            "version__territory__name",
            "communes_count",
            "population",
            "geometry_light",
        )
        .order_by("version__territory__code")
    )
    features = [
        b'{"type":"Feature","properties":'
        + orjson.dumps({"code": code, "name": name, "communes_count": communes, "population": population})
        + b',"geometry":'
        + (geometry.encode() or b"null")
        + b"}"
        for code, name, communes, population, geometry in rows
    ]
    return b'{"type":"FeatureCollection","features":[' + b",".join(features) + b"]}"


def region_names(edition: int) -> dict[str, str]:
    """Names of the régions of an edition, by code. One query."""
    return dict(Region.objects.of(edition).values_list("code", "name"))


class PlaceNames(NamedTuple):
    """Names of the régions and départements of an edition, by code."""

    regions: dict[str, str]
    departements: dict[str, str]


def place_names(edition: int) -> PlaceNames:
    """Names of régions and départements of an edition, by code. Two queries."""
    return PlaceNames(region_names(edition), dict(Departement.objects.of(edition).values_list("code", "name")))


def perimeter_snapshot(territory, edition: int | None = None) -> dict:
    """A frozen, JSON-serialisable picture of the territory's current perimeter on `edition` (default: the
    platform's): its version, figures, EPCI and communes by name, and its detailed contour (`geometry`, GeoJSON or
    None). Campaigns keep it in what ANCT approved; `{}` when the territory has no resolved perimeter. Five queries."""
    edition = edition or settings.DEFAULT_EDITION
    resolution = (
        Resolution.objects.current(edition).filter(version__territory=territory).select_related("version").first()
    )
    if resolution is None:
        return {}
    covered = list(resolution.epcis.order_by("siren"))
    sirens = [c.siren for c in covered]
    names = dict(Epci.objects.filter(edition_id=edition, siren__in=sirens).values_list("siren", "name"))
    codes = resolution.communes.values("code")
    communes = Commune.objects.filter(edition_id=edition, kind=CommuneKind.CURRENT, code__in=codes)
    return {
        "version": resolution.version.number,
        "edition": edition,
        "communes_count": resolution.communes_count,
        "population": resolution.population,
        "epcis_count": sum(1 for c in covered if c.covered == c.total),
        "departements": list(resolution.departements),
        "regions": list(resolution.regions),
        "epcis": [
            {"siren": c.siren, "name": names.get(c.siren, c.siren), "covered": c.covered, "total": c.total}
            for c in covered
        ],
        "communes": dict(communes.order_by("name", "code").values_list("code", "name")),
        "geometry": orjson.loads(resolution.geometry) if resolution.geometry else None,
    }
