"""The official geography by edition: communes, EPCI, and the projection of a perimeter onto another edition."""

from ninja import Router
from ninja.errors import HttpError

from pilote.geography.enums import CommuneKind, EpciKind
from pilote.geography.models import Commune, Departement, Edition, Epci, EpciMembership
from pilote.geography.projection import UnknownEdition, edition_index, project

from .schemas import (
    CommuneCode,
    CommuneOut,
    EditionOut,
    EpciOut,
    Error,
    InvalidInput,
    ProjectionIn,
    ProjectionOut,
    Siren,
    Year,
)

router = Router(tags=["géographie"])

NOT_FOUND = {404: Error, 422: InvalidInput}


def check_edition(year: int) -> None:
    if not Edition.objects.filter(year=year).exists():
        raise HttpError(404, f"Millésime inconnu : {year}")


@router.get(
    "/editions",
    response=list[EditionOut],
    summary="Millésimes du COG importés",
    description=(
        "Les millésimes (éditions annuelles) du Code officiel géographique de l'Insee importés dans la "
        "plateforme, avec leur source et leur date d'import."
    ),
)
def editions(request):
    return Edition.objects.values("year", "source", "imported_at")


def _find_commune(edition: int, code: CommuneCode) -> Commune:
    """The current commune of that code, else the déléguée/associée/arrondissement (a commune nouvelle often keeps
    the code of its chef-lieu for both)."""
    rows = list(Commune.objects.filter(edition_id=edition, code=code).select_related("parent"))
    if not rows:
        check_edition(edition)
        raise HttpError(404, f"Commune inconnue dans le COG {edition} : {code}")
    return next((c for c in rows if c.kind == CommuneKind.CURRENT), rows[0])


def _named(obj) -> dict | None:
    return {"code": obj.code, "name": obj.name} if obj else None


@router.get(
    "/{edition}/communes/{code}",
    response={200: CommuneOut, **NOT_FOUND},
    summary="Une commune",
    description=(
        "Une commune d'un millésime par son code INSEE : nom, type, SIREN, population, département, région, "
        "communes déléguées ou associées et EPCI. "
        "Pour un code partagé, la commune actuelle est préférée à la commune déléguée, associée ou à "
        "l'arrondissement."
    ),
)
def commune(request, edition: Year, code: CommuneCode):
    found = _find_commune(edition, code)
    holder = found.parent or found
    departement = (
        Departement.objects.filter(edition_id=edition, code=found.departement_code).select_related("region").first()
    )
    epcis = Epci.objects.filter(memberships__commune=holder).order_by("siren").values("siren", "name", "kind")
    children = found.children.order_by("code").values("code", "name", "kind") if found.parent is None else []
    return {
        "edition": edition,
        "code": found.code,
        "name": found.name,
        "kind": found.kind,
        "kind_label": CommuneKind(found.kind).label,
        "siren": found.siren,
        "population": found.population,
        "departement": _named(departement),
        "region": _named(departement.region if departement else None),
        "parent": {"code": found.parent.code, "name": found.parent.name, "kind": found.parent.kind}
        if found.parent
        else None,
        "children": list(children),
        "epcis": list(epcis),
    }


@router.get(
    "/{edition}/epci/{siren}",
    response={200: EpciOut, **NOT_FOUND},
    summary="Un EPCI et ses communes",
    description="Un EPCI (ou EPT) d'un millésime par son SIREN, avec ses communes membres et sa population.",
)
def epci(request, edition: Year, siren: Siren):
    found = Epci.objects.filter(edition_id=edition, siren=siren).first()
    if found is None:
        check_edition(edition)
        raise HttpError(404, f"EPCI inconnu dans le COG {edition} : {siren}")
    members = (
        EpciMembership.objects.filter(epci=found)
        .order_by("commune__code")
        .values("commune__code", "commune__name", "commune__population")
    )
    members = [
        {"code": m["commune__code"], "name": m["commune__name"], "population": m["commune__population"]}
        for m in members
    ]
    return {
        "edition": edition,
        "siren": found.siren,
        "name": found.name,
        "kind": found.kind,
        "kind_label": EpciKind(found.kind).label,
        "population": found.population,
        "members_count": len(members),
        "members": members,
    }


@router.post(
    "/project",
    response={200: ProjectionOut, 400: Error, **NOT_FOUND},
    summary="Projeter un périmètre sur un millésime",
    description=(
        "Donne, pour des communes (codes INSEE) et des EPCI (SIREN) d'un millésime `source`, les communes "
        "actuelles du millésime `target` qui leur correspondent (fusions et scissions suivies), et les EPCI "
        "de `target` qu'elles couvrent en tout ou partie. Corps JSON de 2,5 Mo au plus."
    ),
)
def project_perimeter(request, perimeter: ProjectionIn):
    """Communes (INSEE codes) and EPCI (SIREN) of edition `source` → current communes of edition `target`,
    with the EPCI of `target` they cover fully or partly."""
    try:
        projection = project(
            source=perimeter.source, target=perimeter.target, communes=perimeter.communes, epcis=perimeter.epcis
        )
    except UnknownEdition as exc:
        raise HttpError(404, f"Millésime inconnu : {exc.args[0]}") from None
    target = edition_index(perimeter.target)
    communes = [
        {"code": c, "name": target.communes[c].name, "population": target.communes[c].population}
        for c in sorted(projection.communes)
    ]
    full = [
        {
            "siren": s,
            "name": target.epci_names[s][0],
            "covered": len(target.epci_members[s]),
            "total": len(target.epci_members[s]),
        }
        for s in projection.full_epcis
    ]
    return {
        "source": projection.source,
        "target": projection.target,
        "communes_count": len(communes),
        "population": sum(c["population"] for c in communes),
        "communes": communes,
        "unmapped_communes": projection.unmapped_communes,
        "unknown_epcis": projection.unknown_epcis,
        "epci_full": full,
        "epci_partial": [vars(p) for p in projection.partial_epcis],
    }
