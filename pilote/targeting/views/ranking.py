"""The national ranking (table, filters, server-side sort, pages), its choropleth map's GeoJSON and its exports.

The table is the map's accessible alternative: both are built from the same `ranking.Ranking`, so a unit's colour on
the map and its row in the table always agree. Public, cached for anonymous visitors (`core.pagecache`)."""

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from pilote.core.breadcrumbs import crumbs
from pilote.core.pagecache import public_cache
from pilote.territories.views import OVERSEAS

from .. import perms
from ..forms.ranking import RankingForm, version_label
from ..maps import choropleth
from ..ranking import Ranking, latest_scoring, ranking, sorted_rows
from . import table_export

PAGE_SIZE = 50
COLUMNS = [  # (sort key, header)
    ("rang", "Rang national"),
    ("nom", "Nom"),
    ("region", "Région"),
    ("rang_regional", "Rang régional"),
    ("score", "Score"),
]


@dataclass
class Column:
    label: str
    url: str
    sort: str  # aria-sort: "ascending", "descending" or "none"


def _columns(request, form: RankingForm, with_value: str) -> list[Column]:
    key, descending = form.sort()
    columns = []
    for column, label in COLUMNS + ([("valeur", with_value)] if with_value else []):
        query = request.GET.copy()
        query.pop("page", None)
        query["tri"], query["ordre"] = column, "asc" if column == key and descending else "desc"
        if column != key and column in ("rang", "nom", "region", "rang_regional"):
            query["ordre"] = "asc"
        sort = ("descending" if descending else "ascending") if column == key else "none"
        columns.append(Column(label, f"?{query.urlencode()}", sort))
    return columns


def _result(form: RankingForm):
    """(scoring, ranking) of the form's choices, (None, None) when nothing was computed for the version."""
    scoring = latest_scoring(form.chosen_version())
    if scoring is None:
        return None, None
    return scoring, ranking(scoring, form.phase_slug(), region=form.chosen_region(), indicator=form.indicator())


@require_GET
@public_cache
def ranking_page(request):
    form = RankingForm(request.GET)
    scoring, result = _result(form)
    rows = sorted_rows(result.rows, *form.sort()) if result else []
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    indicator = form.indicator()
    context = {
        "form": form,
        "version": form.chosen_version(),
        "version_label": version_label(form.chosen_version()) if form.chosen_version() else "",
        "scoring": scoring,
        "result": result,
        "page": page,
        "query": query.urlencode(),
        "is_epci": not form.phase_slug(),
        "indicator": indicator,
        "overseas": OVERSEAS,
        "can_view_alerts": perms.can_view_alerts(request.user),
        "columns": _columns(request, form, indicator.label if indicator else ""),
        "geojson_url": reverse("targeting:ranking_geojson") + (f"?{query.urlencode()}" if query else ""),
        "breadcrumb_data": crumbs("Classement des territoires"),
    }
    return render(request, "targeting/ranking.html", context, status=400 if form.errors else 200)


@require_GET
@public_cache
def ranking_geojson(request):
    form = RankingForm(request.GET)
    if form.errors:
        return JsonResponse({"detail": "Paramètres invalides", "errors": form.errors}, status=400)
    scoring, result = _result(form)
    if result is None:
        return HttpResponse(b'{"type":"FeatureCollection","features":[]}', content_type="application/geo+json")
    edition = scoring.computation.edition_id if scoring else settings.DEFAULT_EDITION
    response = HttpResponse(choropleth(result, form.phase_slug(), edition), content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=300"
    return response


def export_header(result: Ranking) -> list[str]:
    header = ["code", "nom", "région", "score", "rang national", "rang régional", "meilleur rang", "moins bon rang"]
    if result.indicator:
        header += [f"{result.indicator.label} ({result.indicator.unit}, {result.vintage})", "couverture"]
    return header


def export_rows(result: Ranking) -> list[list]:
    rows = []
    for r in result.rows:
        row = [r.code, r.name, r.region_name, r.score, r.rank_national, r.rank_regional, r.rank_low, r.rank_high]
        rows.append(row + ([r.value, r.coverage] if result.indicator else []))
    return rows


@require_GET
@public_cache
def ranking_export(request, fmt: str):
    form = RankingForm(request.GET)
    _, result = _result(form)
    if form.errors or result is None:
        return HttpResponse("Aucun classement à exporter pour ces choix.", status=400 if form.errors else 404)
    rows = export_rows(Ranking(sorted_rows(result.rows, *form.sort()), result.indicator, result.vintage, result.legend))
    return table_export(fmt, f"classement-{form.phase_slug() or 'epci'}", export_header(result), rows)
