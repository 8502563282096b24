"""Public pages: the national map, search, the list and page of each territory, EPCI and commune pages, and how the
map evolved between the two phases. Figures are read from stored resolutions on the default edition."""

from dataclasses import dataclass

import orjson
from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from pilote.core import registry
from pilote.core.breadcrumbs import crumbs
from pilote.core.exports import csv_response
from pilote.core.pagecache import public_cache
from pilote.core.pdf import pdf_response
from pilote.geography.enums import CommuneKind
from pilote.geography.models import Commune, CommuneLineage, Edition, Epci, EpciMembership

from .comparison import compare_phases_cached
from .enums import MemberKind
from .figures import current_versions, perimeter_snapshot, phase_figures, phase_geojson, place_names, resolutions_of
from .forms import PhaseCompareForm, TerritoryFilterForm, current_phase
from .models import PerimeterVersion, Phase, ResolvedCommune, ResolvedEpci, Territory
from .search import CANDIDATES, loose_filter, places
from .svg import perimeter_svg

SEARCH_LIMIT = 20
METROPOLE = "[[41.3, -5.2], [51.1, 9.6]]"
# Région code (also the first digits of a territory code), name, bounds [[south, west], [north, east]] of each inset.
OVERSEAS = [
    ("01", "Guadeloupe", "[[15.8, -61.85], [16.55, -61.0]]"),
    ("02", "Martinique", "[[14.38, -61.25], [14.9, -60.8]]"),
    ("03", "Guyane", "[[2.1, -54.6], [5.8, -51.6]]"),
    ("04", "La Réunion", "[[-21.4, 55.2], [-20.85, 55.85]]"),
    ("06", "Mayotte", "[[-13.0, 44.95], [-12.6, 45.3]]"),
]


def _phases() -> list[Phase]:
    return list(Phase.objects.all())


def _phase_or_404(phases: list[Phase], slug: str | None) -> Phase:
    if not slug:
        return current_phase(phases)
    for phase in phases:
        if phase.slug == slug:
            return phase
    raise Http404("Phase inconnue")


@require_GET
@public_cache
def home(request):
    phases = _phases()
    phase = _phase_or_404(phases, request.GET.get("phase"))
    versions = PerimeterVersion.objects.state_of(phase)
    context = {
        "phases": phases,
        "phase": phase,
        "figures": phase_figures(versions, settings.DEFAULT_EDITION),
        "edition": settings.DEFAULT_EDITION,
        "metropole": METROPOLE,
        "overseas": OVERSEAS,
    }
    return render(request, "territories/home.html", context)


@require_GET
@public_cache
def phase_geojson_view(request, phase: str):
    phase = get_object_or_404(Phase, slug=phase)
    versions = PerimeterVersion.objects.state_of(phase)
    response = HttpResponse(phase_geojson(versions, settings.DEFAULT_EDITION), content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=300"
    return response


def _search(text: str, edition: int) -> dict:
    territories = Territory.objects.filter(Q(name__loose=text) | Q(code__icontains=text)).select_related("phase")
    territories = territories.order_by("-phase__starts_on_year", "name")
    epcis, communes = places(text, edition, limit=SEARCH_LIMIT)
    return {
        "territories": loose_filter(territories[:CANDIDATES], text, codes=("code",), limit=SEARCH_LIMIT),
        "epcis": epcis,
        "communes": communes,
    }


@require_GET
def search(request):
    text = request.GET.get("q", "").strip()[:100]
    edition = settings.DEFAULT_EDITION
    results = _search(text, edition) if len(text) >= 2 else None
    context = {"q": text, "results": results, "limit": SEARCH_LIMIT, "edition": edition}
    context["breadcrumb_data"] = crumbs("Recherche")
    return render(request, "territories/search.html", context)


@dataclass
class TerritoryListRow:
    territory: Territory
    communes: int
    population: int
    departements: list[str]
    regions: list[str]
    url: str = ""


def _rows(phase: Phase, edition: int) -> list[TerritoryListRow]:
    versions = PerimeterVersion.objects.state_of(phase)
    resolutions = {r.version_id: r for r in resolutions_of(versions, edition)}
    url = reverse("territories:detail", args=[phase.slug, "__code__"])  # one reverse() for 183 rows
    rows = []
    for version in versions:
        r = resolutions.get(version.pk)
        figures = (r.communes_count, r.population, r.departements, r.regions) if r else (0, 0, [], [])
        rows.append(TerritoryListRow(version.territory, *figures, url=url.replace("__code__", version.territory.code)))
    return rows


def _matches(row: TerritoryListRow, data: dict) -> bool:
    text = (data.get("q") or "").lower()
    if text and text not in row.territory.name.lower() and text not in row.territory.code:
        return False
    if data.get("region") and data["region"] not in row.regions:
        return False
    return not data.get("departement") or data["departement"] in row.departements


@require_GET
@public_cache
def territory_list(request):
    edition = settings.DEFAULT_EDITION
    form = TerritoryFilterForm(request.GET, phases=_phases(), edition=edition)
    form.is_valid()  # an invalid field is left out of cleaned_data and shown as an error next to it
    phase = form.chosen_phase()
    rows = sorted((r for r in _rows(phase, edition) if _matches(r, form.cleaned_data)), key=form.sort_key())
    context = {
        "form": form,
        "phase": phase,
        "rows": rows,
        "edition": edition,
        "breadcrumb_data": crumbs("Territoires"),
    }
    return render(request, "territories/list.html", context)


def _members(version: PerimeterVersion) -> tuple[list[Epci], list[Commune]]:
    members = list(version.members.all())
    sirens = [m.code for m in members if m.kind == MemberKind.EPCI]
    codes = [m.code for m in members if m.kind == MemberKind.COMMUNE]
    epcis = list(Epci.objects.of(version.edition_id).filter(siren__in=sirens)) if sirens else []
    communes = Commune.objects.of(version.edition_id).filter(code__in=codes).order_by("name", "kind")
    return epcis, list(communes) if codes else []


def _covered_epcis(resolution, edition: int) -> list[dict]:
    covered = list(resolution.epcis.all())
    names = {e.siren: e for e in Epci.objects.of(edition).filter(siren__in=[c.siren for c in covered])}
    rows = [{"row": c, "epci": names.get(c.siren)} for c in covered]
    return sorted(rows, key=lambda r: (not r["row"].is_full, r["epci"].name if r["epci"] else r["row"].siren))


def _resolved_communes(resolution, edition: int) -> list[Commune]:
    codes = resolution.communes.values("code")
    return list(Commune.objects.of(edition).filter(kind=CommuneKind.CURRENT, code__in=codes).order_by("name"))


def _sections(territory: Territory) -> list[dict]:
    """What other apps show on the territory's page (their `AppConfig.page_sections`), each with its template."""
    return [section(territory) for section in registry.page_sections()]


@require_GET
@public_cache
def territory_detail(request, phase: str, code: str):
    edition = settings.DEFAULT_EDITION
    territory = get_object_or_404(Territory.objects.select_related("phase"), phase__slug=phase, code=code)
    versions = list(territory.versions.order_by("-number"))
    if not versions:
        raise Http404("Territoire sans périmètre")
    latest = versions[0]
    resolution = resolutions_of([latest], edition).defer(None).first()
    regions, departements = place_names(edition)
    epcis, communes = _members(latest)
    context = {
        "territory": territory,
        "versions": versions,
        "latest": latest,
        "resolution": resolution,
        "geometry": orjson.loads(resolution.geometry) if resolution and resolution.geometry else None,  # json_script
        "member_epcis": epcis,
        "member_communes": communes,
        "covered_epcis": _covered_epcis(resolution, edition) if resolution else [],
        "communes": _resolved_communes(resolution, edition) if resolution else [],
        "departements": [(c, departements.get(c, c)) for c in (resolution.departements if resolution else [])],
        "regions": [(c, regions.get(c, c)) for c in (resolution.regions if resolution else [])],
        "edition": edition,
        "sections": _sections(territory),
        "breadcrumb_data": crumbs(territory.name, (reverse("territories:list"), "Territoires")),
    }
    return render(request, "territories/detail.html", context)


@require_GET
def territory_sheet(request, phase: str, code: str):
    """« Fiche territoire »: one A4 page of public data — map, key figures, and what the other apps print on it
    (their `AppConfig.sheet_sections`: plan and governance, money received)."""
    territory = get_object_or_404(Territory.objects.select_related("phase"), phase__slug=phase, code=code)
    perimeter = perimeter_snapshot(territory)
    if not perimeter:
        raise Http404("Territoire sans périmètre résolu")
    regions, departements = place_names(perimeter["edition"])
    context = {
        "territory": territory,
        "perimeter": perimeter,
        "map": perimeter_svg(perimeter["geometry"], label=f"Périmètre de {territory.name}", width=330, height=260),
        "departements": [departements.get(c, c) for c in perimeter["departements"]],
        "regions": [regions.get(c, c) for c in perimeter["regions"]],
        "sections": [section(territory) for section in registry.sheet_sections()],
        "url": request.build_absolute_uri(reverse("territories:detail", args=[phase, code])),
    }
    return pdf_response("territories/sheet.html", context, filename=f"fiche-{territory.code}.pdf", request=request)


def _edition_or_404(value: str | None) -> int:
    if value is None:
        return settings.DEFAULT_EDITION
    if not value.isdigit() or not Edition.objects.filter(year=int(value)).exists():
        raise Http404("Millésime inconnu")
    return int(value)


def _territories_of(rows) -> list[dict]:
    """Rows (ResolvedEpci or ResolvedCommune with their territory) → one entry per territory, newest phase first."""
    entries = [{"territory": r.resolution.version.territory, "row": r} for r in rows]
    return sorted(entries, key=lambda e: (-e["territory"].phase.starts_on_year, e["territory"].name))


@require_GET
@public_cache
def epci_detail(request, siren: str):
    edition = _edition_or_404(request.GET.get("millesime"))
    epci = get_object_or_404(Epci, edition_id=edition, siren=siren)
    memberships = EpciMembership.objects.filter(epci=epci).select_related("commune").order_by("commune__name")
    rows = ResolvedEpci.objects.filter(
        siren=siren, resolution__edition_id=settings.DEFAULT_EDITION, resolution__version__in=current_versions()
    ).select_related("resolution__version__territory__phase")
    communes = [m.commune for m in memberships]
    context = {
        "epci": epci,
        "communes": communes,
        "population": sum(c.population or 0 for c in communes),
        "territories": _territories_of(rows),
        "edition": edition,
        "default_edition": settings.DEFAULT_EDITION,
        "editions": list(Edition.objects.values_list("year", flat=True)),
        "breadcrumb_data": crumbs(epci.name),
    }
    return render(request, "territories/epci.html", context)


def _commune_or_redirect(code: str, edition: int):
    found = list(Commune.objects.of(edition).filter(code=code).select_related("parent"))
    current = next((c for c in found if c.kind == CommuneKind.CURRENT), None)
    if current or found:
        return current or found[0]
    successor = CommuneLineage.objects.filter(edition_id=edition, old_code=code).select_related("commune").first()
    if successor:
        return redirect("territories:commune", code=successor.commune.code)
    raise Http404("Commune inconnue")


@require_GET
@public_cache
def commune_detail(request, code: str):
    edition = settings.DEFAULT_EDITION
    commune = _commune_or_redirect(code, edition)
    if isinstance(commune, HttpResponse):
        return commune
    holder = commune if commune.kind == CommuneKind.CURRENT else commune.parent
    epcis = [m.epci for m in EpciMembership.objects.filter(commune=holder).select_related("epci")] if holder else []
    rows = ResolvedCommune.objects.filter(
        code=holder.code if holder else code, resolution__edition_id=edition, resolution__version__in=current_versions()
    ).select_related("resolution__version__territory__phase")
    context = {
        "commune": commune,
        "holder": holder,
        "epcis": epcis,
        "territories": _territories_of(rows),
        "edition": edition,
        "breadcrumb_data": crumbs(str(commune)),
    }
    return render(request, "territories/commune.html", context)


@require_GET
@public_cache
def compare(request):
    form = PhaseCompareForm(request.GET, phases=_phases())
    comparison = compare_phases_cached(**form.params()) if form.is_valid() else None
    context = {
        "form": form,
        "comparison": comparison,
        "s": comparison.summary if comparison else None,
        "breadcrumb_data": crumbs("Évolution entre les phases"),
    }
    return render(request, "territories/compare.html", context, status=200 if comparison else 400)


def _transitions(comparison) -> list[tuple]:
    """Every (old territory, new territory) pair sharing communes, plus communes leaving or entering the programme."""
    rows = []
    for old in comparison.old_territories:
        rows += [(old.code, old.name, o.code, o.name, o.communes, o.population) for o in old.overlaps]
        if old.communes_outside:
            rows.append((old.code, old.name, "", "", old.communes_outside, old.population_outside))
    for new in comparison.new_territories:
        if new.communes_outside:
            rows.append(("", "", new.code, new.name, new.communes_outside, new.population_outside))
    return rows


@require_GET
@public_cache
def compare_csv(request):
    form = PhaseCompareForm(request.GET, phases=_phases())
    if not form.is_valid():
        return HttpResponse("Paramètres invalides : " + form.errors.as_text(), status=400, content_type="text/plain")
    comparison = compare_phases_cached(**form.params())
    name = f"evolution_{comparison.old.slug}_{comparison.new.slug}_cog{comparison.edition}.csv"
    old_label, new_label = comparison.old.slug, comparison.new.slug
    header = [f"code_{old_label}", f"nom_{old_label}", f"code_{new_label}", f"nom_{new_label}"]
    header += ["communes", "population"]
    return csv_response(name, header, _transitions(comparison))
