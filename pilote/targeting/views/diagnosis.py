"""The diagnosis of an EPCI (`/ciblage/epci/<siren>/`) and the exports of a unit's diagnosis table. A territory's
diagnosis is a section of its public page (`diagnosis.diagnosis_section`, declared in `page_sections`)."""

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from pilote.core.breadcrumbs import crumbs
from pilote.core.pagecache import public_cache
from pilote.geography.models import Epci
from pilote.territories.models import Territory

from ..diagnosis import Diagnosis, diagnose
from ..enums import Level
from . import table_export


@require_GET
@public_cache
def epci_diagnosis(request, siren: str):
    epci = get_object_or_404(Epci.objects.of(settings.DEFAULT_EDITION), siren=siren)
    context = {
        "epci": epci,
        "section": {"diagnosis": diagnose(Level.EPCI, "", siren), "unit_name": epci.name},
        "breadcrumb_data": crumbs(
            f"Diagnostic — {epci.name}",
            (reverse("targeting:ranking") + "?niveau=epci", "Classement des EPCI"),
        ),
    }
    return render(request, "targeting/epci.html", context)


def _diagnosis_rows(diagnosis: Diagnosis) -> list[list]:
    return [
        [
            row.indicator.code,
            row.indicator.label,
            row.indicator.unit,
            row.vintage,
            row.value,
            row.coverage,
            row.region_value,
            row.france_value,
            row.contribution,
            row.indicator.source,
        ]
        for row in diagnosis.rows
    ]


HEADER = [
    *("code", "indicateur", "unité", "millésime", "valeur", "couverture"),
    *("région", "France", "contribution", "source"),
]


@require_GET
@public_cache
def epci_diagnosis_export(request, siren: str, fmt: str):
    get_object_or_404(Epci.objects.of(settings.DEFAULT_EDITION), siren=siren)
    return table_export(fmt, f"diagnostic-{siren}", HEADER, _diagnosis_rows(diagnose(Level.EPCI, "", siren)))


@require_GET
@public_cache
def territory_diagnosis_export(request, phase: str, code: str, fmt: str):
    get_object_or_404(Territory, phase__slug=phase, code=code)
    rows = _diagnosis_rows(diagnose(Level.TERRITORY, phase, code))
    return table_export(fmt, f"diagnostic-{code}", HEADER, rows)
