"""The HTTP API: official codes in URLs (millésime, INSEE code, SIREN, phase slug, ti-RRNN), never internal ids.

Every error is JSON with a `detail` reason: 404 for an unknown phase, edition or code, 422 for a malformed
parameter or body, 500 (logged) for a bug — never Django's HTML pages.
"""

import logging

from django.http import HttpResponse
from ninja import NinjaAPI

from pilote.core.pagecache import public_cache

from . import budget, geography, territories

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="Pilote TI",
    version="1",
    docs_url="/docs",
    description=(
        "Géographie officielle par millésime, territoires d'industrie des deux phases du programme et financements "
        "du programme (enveloppes, engagements)."
    ),
)
# Anonymous GETs of the read API come from the shared cache while the data they read is unchanged.
api.add_decorator(public_cache, mode="view")
api.add_router("/geography", geography.router)
api.add_router("", territories.router)
api.add_router("", budget.router)


@api.exception_handler(Exception)
def unexpected_error(request, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s", request.get_full_path())
    return api.create_response(request, {"detail": "Erreur interne du serveur"}, status=500)


def not_found(request, path: str = "") -> HttpResponse:
    return api.create_response(request, {"detail": f"Ressource inconnue : /api/{path}"}, status=404)


def home(request) -> HttpResponse:
    return api.create_response(
        request,
        {"name": api.title, "version": api.version, "docs": "/api/docs", "schema": "/api/openapi.json"},
        status=200,
    )
