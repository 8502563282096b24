"""Public pages of the sites: the pool of candidate sites (filters, pages of 50), a site's page (its facts with their
source and date, « inconnu » for an unknown value), the labelled sites on a map and in a table, and their exports
(CSV, XLSX, GeoJSON). Everyone sees them, visitors included; anonymous answers come from the page cache
(`core.pagecache`, `sites` is in PUBLIC_DATA_APPS). Bad filters → the page again with French errors (400)."""

import json

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from pilote.core.breadcrumbs import crumbs
from pilote.core.exports import append_rows, csv_response, xlsx_response
from pilote.core.pagecache import public_cache

from .. import public, siteeco, zan
from ..forms.pool import PoolFilterForm
from ..models import Site

PAGE_SIZE = 50


def _pool_crumb() -> tuple[str, str]:
    return reverse("sites:pool"), "Sites industriels"


@require_GET
@public_cache
def pool(request):
    regions = public.regions()
    form = PoolFilterForm(request.GET or None, regions=regions)
    method = public.published_method()
    # The columns of the table only: sorting the pool by name carried every site's facts (3 kB each) through the sort.
    shown = Site.objects.only("identifier", "name", "kind", "commune_code", "region_code", "area_m2", "label_state")
    sites = public.with_score(shown, method)
    if form.is_bound and form.is_valid():
        sites = form.filter(sites)
    elif form.is_bound:
        sites = sites.none()
    else:
        sites = sites.order_by(*public.SORTS_DEFAULT)
    page = Paginator(sites, PAGE_SIZE).get_page(request.GET.get("page"))
    names = public.commune_names(site.commune_code for site in page)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "method": method,
        "rows": [
            (
                site,
                names.get(site.commune_code, site.commune_code),
                regions.get(site.region_code, ""),
                public.hectares(site),
            )
            for site in page
        ],
        "query": query.urlencode(),
        "breadcrumb_data": crumbs("Sites industriels"),
    }
    return render(request, "sites/pool.html", context, status=400 if form.errors else 200)


@require_GET
@public_cache
def site_page(request, identifier: str):
    method = public.published_method()
    site = get_object_or_404(public.with_score(Site.objects.all(), method), identifier=identifier)
    phase = public.phase_slug()
    place = public.territories_of([site], phase).get(site.territories.get(phase))
    context = {
        "site": site,
        "facts": public.facts_of(site),
        "method": method,
        "commune": public.commune_names([site.commune_code]).get(site.commune_code, site.commune_code),
        "region": public.regions().get(site.region_code, site.region_code),
        "area_ha": public.hectares(site),
        "place": place,
        "zan": zan.site_account(site, phase),
        "breadcrumb_data": crumbs(site.name, _pool_crumb()),
    }
    return render(request, "sites/site.html", context)


@require_GET
@public_cache
def labelled(request):
    phase = public.phase_slug()
    rows = public.labelled_sites(phase=phase)
    context = {
        "rows": rows,
        "geojson": _geojson(rows),
        "phase": phase,
        "breadcrumb_data": crumbs("Sites labellisés", _pool_crumb()),
    }
    return render(request, "sites/labelled.html", context)


def _geojson(rows) -> dict:
    features = [public.feature(row, reverse("sites:site", args=[row.site.identifier])) for row in rows]
    return {"type": "FeatureCollection", "features": features}


@require_GET
@public_cache
def labelled_geojson(request):
    body = json.dumps(_geojson(public.labelled_sites()), ensure_ascii=False)
    response = HttpResponse(body, content_type="application/geo+json")
    response["Content-Disposition"] = 'attachment; filename="sites-labellises.geojson"'
    return response


@require_GET
@public_cache
def labelled_export(request, fmt: str):
    rows = public.export_rows(public.labelled_sites())
    if fmt == "csv":
        return csv_response("sites-labellises.csv", public.EXPORT_HEADER, rows)
    book = Workbook()
    sheet = book.active
    sheet.title = "Sites labellisés"
    append_rows(sheet, [public.EXPORT_HEADER, *rows])
    return xlsx_response(book, "sites-labellises.xlsx")


@require_GET
@public_cache
def labelled_site_eco(request, table: str):
    """A table of the labelled sites in the CNIG « Sites économiques » format: the bytes `export_site_eco` writes
    (one writer). Not validated here: the writer is held to the schemas by the tests and the command (ADR 0009)."""
    text = siteeco.tables_csv(siteeco.labelled_tables(today=timezone.localdate()))[f"{table}.csv"]
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sites-labellises-{table}.csv"'
    return response
