"""The qualification method of sites: its criteria, its versions, the comparison of two versions (public), and a new
version (ANCT)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from pilote.core.breadcrumbs import crumbs

from .. import perms, scoring
from ..enums import MethodStatus
from ..forms.method import MethodVersionForm
from ..models import QualificationMethod, Site, SiteScore


def _version(versions, number):
    return next((v for v in versions if str(v.number) == number), None)


@require_GET
def method(request):
    versions = list(QualificationMethod.objects.filter(status=MethodStatus.PUBLISHED).order_by("-number"))
    older = _version(versions, request.GET.get("de", ""))
    newer = _version(versions, request.GET.get("a", ""))
    context = {
        "method": versions[0] if versions else None,
        "versions": versions,
        "older": older,
        "newer": newer,
        "comparison": scoring.compare(older, newer) if older and newer and older != newer else None,
        "can_edit": perms.can_edit_method(request.user),
        "breadcrumb_data": crumbs("Méthode de qualification des sites"),
    }
    return render(request, "sites/method.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def method_edit(request):
    if not perms.can_edit_method(request.user):
        raise PermissionDenied("Seule l'ANCT publie une nouvelle version de la méthode de qualification.")
    scoring.ensure_default_method()
    form = MethodVersionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        version = form.save(request.user)
        messages.success(request, f"Version {version.number} de la méthode publiée ; le vivier est noté avec elle.")
        return redirect("sites:method")
    context = {"form": form, "latest": form.latest, "breadcrumb_data": crumbs("Nouvelle version de la méthode")}
    return render(request, "sites/method_edit.html", context, status=400 if form.errors else 200)


def score_block(site: Site, method: QualificationMethod | None = None) -> dict:
    """The context of `sites/_score.html` (also for the site page): the site's score under the latest method, each
    criterion's points and the fact (value, source, date) it came from."""
    method = method or scoring.latest_method()
    row = SiteScore.objects.filter(method=method, site=site).first() if method else None
    lines = []
    if row is not None:
        explained = scoring.explain(method.criteria, row.points)
        for criterion in method.criteria:
            point = explained.get(criterion["key"], {})
            lines.append({**point, "label": criterion["label"], "value_label": point.get("label", "inconnu")})
    return {"template": "sites/_score.html", "score": row, "method": method, "lines": lines}


@require_GET
def site_score(request, identifier):
    site = get_object_or_404(Site, identifier=identifier)
    context = {
        "site": site,
        **score_block(site),
        "breadcrumb_data": crumbs(f"Score de {site.name}"),
    }
    return render(request, "sites/site_score.html", context)
