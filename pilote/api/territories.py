"""Phases of the programme, their territories (resolved on an edition of the geography) and their comparison.

Figures are read from the stored resolutions; a map state never resolved on the asked edition is resolved once
(without geometry), then read like the others.
"""

from datetime import date

from django.conf import settings
from django.http import HttpResponse
from ninja import Router
from ninja.errors import HttpError

from pilote.geography.enums import CommuneKind
from pilote.geography.models import Commune, Departement, Epci, Region
from pilote.territories.comparison import compare_phases_cached
from pilote.territories.enums import MemberKind
from pilote.territories.figures import phase_geojson, region_names
from pilote.territories.models import PerimeterMember, PerimeterVersion, Phase, Resolution, Territory
from pilote.territories.resolution import ensure_resolved

from .geography import check_edition
from .schemas import (
    ComparisonOut,
    Error,
    InvalidInput,
    IsoDate,
    PhaseDetail,
    PhaseOut,
    PhaseSlug,
    TerritoryCode,
    TerritoryDetail,
    TerritoryList,
    Year,
)

router = Router(tags=["territoires"])

NOT_FOUND = {404: Error, 422: InvalidInput}
GEOJSON = "application/geo+json"


def get_phase(slug: str) -> Phase:
    phase = Phase.objects.filter(slug=slug).first()
    if phase is None:
        raise HttpError(404, f"Phase inconnue : {slug}")
    return phase


def get_territory(phase: str, code: str) -> Territory:
    """The territory (phase, code), or 404 saying whether the phase or the territory is unknown."""
    found = Territory.objects.select_related("phase").filter(phase__slug=phase, code=code).first()
    if found is None:
        get_phase(phase)
        raise HttpError(404, f"Territoire inconnu en phase {phase} : {code}")
    return found


def get_edition(edition: int | None) -> int:
    edition = edition or settings.DEFAULT_EDITION
    check_edition(edition)
    return edition


def stored_resolutions(versions: list[PerimeterVersion], edition: int, *, light: bool = False) -> dict[int, Resolution]:
    """Version id → its resolution on `edition`, resolving (without geometry) the versions that have none yet."""
    ensure_resolved(versions, edition)
    rows = Resolution.objects.filter(version__in=versions, edition_id=edition).defer("geometry")
    rows = rows if light else rows.defer("geometry_light")
    return {r.version_id: r for r in rows}


def _phase_out(phase: Phase) -> dict:
    return {
        "slug": phase.slug,
        "name": phase.name,
        "starts": phase.starts_on_year,
        "ends": phase.ends_on_year,
        "territory_count": len(PerimeterVersion.objects.state_of(phase)),
    }


@router.get(
    "/phases",
    response=list[PhaseOut],
    summary="Phases du programme",
    description=(
        "Chaque phase du programme Territoires d'industrie (2018-2022, 2023-2027) avec le nombre de "
        "territoires de sa carte actuelle."
    ),
)
def phases(request):
    """Each phase with the number of territories on its current map (149 and 183)."""
    return [_phase_out(phase) for phase in Phase.objects.all()]


@router.get(
    "/phases/compare",
    response={200: ComparisonOut, **NOT_FOUND},
    summary="Comparer les cartes de deux phases",
    description=(
        "Les communes qui restent, sortent et entrent dans le programme entre deux phases et, pour chaque "
        "territoire, ses recouvrements avec les territoires de l'autre phase, calculés sur un même millésime "
        "(`edition`) et aux dates choisies (`old_on`, `new_on`)."
    ),
)
def compare(
    request,
    old: str = "2018-2022",
    new: str = "2023-2027",
    edition: Year | None = None,
    old_on: IsoDate | None = None,
    new_on: IsoDate | None = None,
):
    """Communes staying, leaving and entering the programme, and for each territory of each phase its overlaps
    with the territories of the other, on a common edition. `old_on`/`new_on` pick the map of a date
    (default: the current map)."""
    old_phase, new_phase, edition = get_phase(old), get_phase(new), get_edition(edition)
    result = compare_phases_cached(old=old_phase, new=new_phase, edition=edition, old_on=old_on, new_on=new_on)
    return {
        "old": old_phase.slug,
        "new": new_phase.slug,
        "edition": edition,
        "old_on": old_on,
        "new_on": new_on,
        "summary": result.summary,
        "territories": result.new_territories,
        "old_territories": result.old_territories,
    }


@router.get(
    "/phases/{phase}",
    response={200: PhaseDetail, **NOT_FOUND},
    summary="Une phase",
    description=(
        "Une phase du programme : ses années, le nombre de territoires de sa carte actuelle et les dates où sa "
        "carte a changé."
    ),
)
def phase_detail(request, phase: PhaseSlug):
    found = get_phase(phase)
    return {**_phase_out(found), "version_dates": PerimeterVersion.objects.valid_dates(found)}


@router.get(
    "/phases/{phase}/territories",
    response={200: TerritoryList, **NOT_FOUND},
    summary="Territoires d'une phase",
    description=(
        "La carte d'une phase à la date `on` (par défaut la carte actuelle), résolue sur le millésime "
        "`edition` (par défaut celui de la plateforme) : chaque territoire avec ses chiffres."
    ),
)
def territories(request, phase: PhaseSlug, edition: Year | None = None, on: IsoDate | None = None):
    """The map of the phase on date `on` (default: the current map), resolved on `edition` (default: the platform's)."""
    found, edition = get_phase(phase), get_edition(edition)
    versions = PerimeterVersion.objects.state_of(found, on)
    resolutions = stored_resolutions(versions, edition)
    regions = region_names(edition)
    rows = [
        {
            "code": v.territory.code,
            "name": v.territory.name,
            "region": v.territory.region_code,
            "region_name": regions.get(v.territory.region_code, ""),
            "communes_count": resolutions[v.pk].communes_count,
            "population": resolutions[v.pk].population,
            "version": v.number,
            "withdrawn_on": v.territory.withdrawn_on,
        }
        for v in versions
    ]
    return {"phase": found.slug, "edition": edition, "on": on, "count": len(rows), "territories": rows}


@router.get(
    "/phases/{phase}/territories.geojson",
    response=NOT_FOUND,
    summary="Carte nationale d'une phase (GeoJSON)",
    description=(
        "Les contours très simplifiés des territoires d'une phase pour une carte nationale (GeoJSON). Un "
        "territoire sans contour enregistré sur ce millésime est donné sans géométrie."
    ),
    openapi_extra={
        "responses": {200: {"description": "FeatureCollection", "content": {GEOJSON: {"schema": {"type": "object"}}}}}
    },
)
def territories_geojson(request, phase: PhaseSlug, edition: Year | None = None, on: IsoDate | None = None):
    """Contours very simplified for a national map, as stored; a territory without a stored contour on that
    edition (contours exist for the platform's edition) has a null geometry."""
    found, edition = get_phase(phase), get_edition(edition)
    versions = PerimeterVersion.objects.state_of(found, on)
    ensure_resolved(versions, edition)
    return HttpResponse(phase_geojson(versions, edition), content_type=GEOJSON)


@router.get(
    "/phases/{phase}/territories/{code}",
    response={200: TerritoryDetail, **NOT_FOUND},
    summary="Un territoire d'une phase",
    description=(
        "Le périmètre d'un territoire (code ti-RRNN) à la date `on` (par défaut sa dernière version), résolu "
        "sur le millésime `edition` : membres tels que donnés par la source, communes, départements, régions, "
        "EPCI couverts en tout ou partie, population et versions du périmètre."
    ),
)
def territory(request, phase: PhaseSlug, code: TerritoryCode, edition: Year | None = None, on: IsoDate | None = None):
    """The perimeter of the territory on date `on` (default: its latest version), resolved on `edition`."""
    found = get_territory(phase, code)
    edition = get_edition(edition)
    versions = list(found.versions.order_by("number"))
    current = _version_on(versions, on)
    if current is None:
        raise HttpError(404, f"Le territoire {code} n'a pas de périmètre au {on:%d/%m/%Y}")
    resolution = stored_resolutions([current], edition)[current.pk]
    return {
        "phase": found.phase.slug,
        "edition": edition,
        "code": found.code,
        "name": found.name,
        "region": found.region_code,
        "region_name": region_names(edition).get(found.region_code, ""),
        "withdrawn_on": found.withdrawn_on,
        "version": current.number,
        "members": _members(current),
        **_resolved(resolution, edition),
        "versions": [_version_out(v) for v in versions],
    }


def _version_on(versions: list[PerimeterVersion], on: date | None) -> PerimeterVersion | None:
    valid = [v for v in versions if on is None or v.valid_on <= on]
    return valid[-1] if valid else None


def _version_out(version: PerimeterVersion) -> dict:
    return {
        "number": version.number,
        "valid_on": version.valid_on,
        "reason": version.reason,
        "source": version.source,
        "edition": version.edition_id,
    }


def _members(version: PerimeterVersion) -> list[dict]:
    """Members as given by the source, with their official name in the edition the version is pinned to."""
    members = PerimeterMember.objects.filter(version=version)
    of_kind = {kind: members.filter(kind=kind).values("code") for kind in MemberKind.values}
    names = {
        MemberKind.EPCI: dict(
            Epci.objects.filter(edition_id=version.edition_id, siren__in=of_kind[MemberKind.EPCI]).values_list(
                "siren", "name"
            )
        ),
        MemberKind.COMMUNE: dict(
            Commune.objects.filter(edition_id=version.edition_id, code__in=of_kind[MemberKind.COMMUNE])
            .order_by("-kind")  # a current commune (COM) wins over a déléguée of the same code (COMD)
            .values_list("code", "name")
        ),
    }
    return [
        {"kind": m.kind, "code": m.code, "label": m.label, "name": names[m.kind].get(m.code)}
        for m in members.order_by("kind", "code")
    ]


def _resolved(resolution: Resolution, edition: int) -> dict:
    communes = Commune.objects.filter(
        edition_id=edition, kind=CommuneKind.CURRENT, code__in=resolution.communes.values("code")
    ).values_list("code", "name", "population")
    epcis = resolution.epcis.order_by("siren").values_list("siren", "covered", "total")
    epci_names = dict(
        Epci.objects.filter(edition_id=edition, siren__in=resolution.epcis.values("siren")).values_list("siren", "name")
    )
    coverage = [{"siren": s, "name": epci_names.get(s, ""), "covered": c, "total": t} for s, c, t in epcis]
    return {
        "communes_count": resolution.communes_count,
        "population": resolution.population,
        "communes": [{"code": c, "name": n, "population": p or 0} for c, n, p in communes],
        "departements": _names(Departement, edition, resolution.departements),
        "regions": _names(Region, edition, resolution.regions),
        "epci_full": [e for e in coverage if e["covered"] == e["total"]],
        "epci_partial": [e for e in coverage if e["covered"] != e["total"]],
        "unmapped": resolution.unmapped,
    }


def _names(model, edition: int, codes: list[str]) -> list[dict]:
    names = dict(model.objects.filter(edition_id=edition, code__in=codes).values_list("code", "name"))
    return [{"code": code, "name": names.get(code, "")} for code in codes]
