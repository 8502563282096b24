"""Grow the mini world, to check that a page's query count does not depend on the amount of data."""

from datetime import date

from django.db.models import Max
from django.test.utils import CaptureQueriesContext

from pilote.territories.enums import MemberKind
from pilote.territories.models import PerimeterMember, PerimeterVersion, Phase, Territory
from pilote.territories.resolution import resolve_versions


def add_version(territory: Territory, *, epcis=(), communes=(), valid_on=date(2025, 1, 1)) -> PerimeterVersion:
    number = (territory.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PerimeterVersion.objects.create(
        territory=territory, number=number, edition_id=2026, valid_on=valid_on, reason="test", source="test"
    )
    PerimeterMember.objects.bulk_create(
        [PerimeterMember(version=version, kind=MemberKind.EPCI, code=s) for s in epcis]
        + [PerimeterMember(version=version, kind=MemberKind.COMMUNE, code=c) for c in communes]
    )
    resolve_versions(PerimeterVersion.objects.filter(pk=version.pk), edition=2026)
    return version


def grow(phase_slug: str = "2023-2027") -> None:
    """Two more territories in the phase, and a new version of an existing one."""
    phase = Phase.objects.get(slug=phase_slug)
    extra = Territory.objects.create(phase=phase, code="ti-8402", name="Delta industrie", region_code="84")
    add_version(extra, communes=["01004", "01001"])
    other = Territory.objects.create(phase=phase, code="ti-2702", name="Jura bis", region_code="27")
    add_version(other, epcis=["200000003", "200000002"])
    add_version(Territory.objects.get(phase=phase, code="ti-8401"), epcis=["200000001", "200000002", "200000003"])


def count_queries(client, url: str) -> int:
    from django.db import connection

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)
