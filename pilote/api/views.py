"""The HTTP API: official codes in URLs (millésime, INSEE code, SIREN, phase slug, ti-RRNN), never internal ids.

Every error is JSON with a `detail` reason in French: 404 for an unknown phase, edition or code, 400 for a body
that is not JSON or too many parameters, 413 for a body past DATA_UPLOAD_MAX_MEMORY_SIZE, 422 for a malformed
parameter or body, 500 (logged) for a bug — never Django's HTML pages.
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import Http404, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError

from pilote.core.pagecache import public_cache

from . import budget, geography, sites, targeting, territories
from .docs import LocalSwagger

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="Pilote TI",
    version="1",
    docs_url="/docs",
    docs=LocalSwagger(),
    description=(
        "Géographie officielle par millésime, territoires d'industrie des deux phases du programme et financements "
        "du programme (enveloppes, engagements), diagnostic des territoires à partir des données publiques "
        "(indicateurs, scores de fragilité, alertes de choc industriel), sites industriels (vivier, faits et leurs "
        "sources, sites labellisés)."
    ),
)
# Anonymous GETs of the read API come from the shared cache while the data they read is unchanged.
api.add_decorator(public_cache, mode="view")
api.add_router("/geography", geography.router)
api.add_router("", territories.router)
api.add_router("", budget.router)
api.add_router("", targeting.router)
api.add_router("", sites.router)


@api.exception_handler(Exception)
def unexpected_error(request, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s", request.get_full_path())
    return api.create_response(request, {"detail": "Erreur interne du serveur"}, status=500)


def _error(request, status: int, detail: str) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and exc.__cause__ is not None:  # ninja could not parse the body (English, no reason)
        return _error(request, 400, "Corps de la requête illisible : un document JSON est attendu.")
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(Http404)
def http_404(request, exc: Http404) -> HttpResponse:
    return _error(request, 404, "Ressource introuvable")


@api.exception_handler(RequestDataTooBig)
def body_too_big(request, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
    return _error(request, 413, f"Corps de la requête trop volumineux : {limit:.1f} Mo au plus.".replace(".", ",", 1))


@api.exception_handler(TooManyFieldsSent)
def too_many_fields(request, exc: TooManyFieldsSent) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    return _error(request, 400, f"Trop de paramètres dans la requête : {limit} au plus.")


@api.exception_handler(SuspiciousOperation)
def suspicious(request, exc: SuspiciousOperation) -> HttpResponse:
    logger.warning("API request refused on %s: %s", request.path, exc)
    return _error(request, 400, "Requête refusée : elle est mal formée.")


def not_found(request, path: str = "") -> HttpResponse:
    return api.create_response(request, {"detail": f"Ressource inconnue : /api/{path}"}, status=404)


def home(request) -> HttpResponse:
    return api.create_response(
        request,
        {"name": api.title, "version": api.version, "docs": "/api/docs", "schema": "/api/openapi.json"},
        status=200,
    )
