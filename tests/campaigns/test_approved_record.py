"""At validation the file keeps a frozen record of what was approved (plan, governance, perimeter with its figures
and contour, opinions, motivation) and of the previous validated version; the file page shows it, and nothing done
afterwards rewrites it."""

import html
import re

import pytest
from django.urls import reverse

from pilote.campaigns.enums import OpinionKind
from pilote.campaigns.models import ApprovedRecord, FrozenRecordError, Opinion, PerimeterChangeRequest
from pilote.territories.enums import MemberKind
from pilote.territories.services import perimeter_version_create

from ..plans.factories import FicheFactory, governance
from .conftest import asked_of, fresh, territory


@pytest.fixture
def validated(file, people):
    FicheFactory(territory=file.territory, title="École de production")
    governance(file.territory)
    PerimeterChangeRequest.objects.create(file=file, remove_communes=["39001"], reason="Epsilon part.")
    fresh(file).run("submit", by=people["team"])
    fresh(file).run("start_review", by=people["anct"])
    request = asked_of(file, people["region84"])
    Opinion.objects.create(request=request, kind=OpinionKind.UNFAVORABLE, text="Trop tôt.", author=people["region84"])
    fresh(file).run("validate", by=people["anct"], comment="Le comité a tranché le 3 mars.", acknowledged_missing=True)
    return fresh(file)


def _text(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


def test_the_record_holds_what_was_approved_and_what_was_before(validated, people):
    record = ApprovedRecord.objects.get(file=validated)
    assert (record.approved_by, record.motivation) == (people["anct"], "Le comité a tranché le 3 mars.")
    assert [f["title"] for f in record.plan["fiches"].values()] == ["École de production"]
    assert record.governance["binome"]["elected_name"] == "Anne Durand"
    assert (record.perimeter["version"], record.perimeter["communes_count"]) == (2, 3)
    assert (record.previous["perimeter"]["version"], record.previous["perimeter"]["communes_count"]) == (1, 4)
    assert record.perimeter["population"] < record.previous["perimeter"]["population"]
    assert "39001" not in record.perimeter["communes"] and "39001" in record.previous["perimeter"]["communes"]
    assert record.perimeter_geojson["type"] in ("Polygon", "MultiPolygon")
    assert "geometry" not in record.perimeter and "geometry" not in record.previous["perimeter"]
    region84 = next(o for o in record.opinions if o["addressee"] == "SGAR Auvergne-Rhône-Alpes")
    assert (region84["kind"], region84["text"]) == ("defavorable", "Trop tôt.")
    assert record.changes()["fiches"]["added"][0]["title"] == "École de production"


def test_the_file_page_shows_the_record_not_a_recomputed_no_change(client, validated, people):
    client.force_login(people["dep01"])
    page = _text(client.get(reverse("campaigns:file", args=[validated.pk])))
    record = page.split('id="approved-record"')[1].split("</section>")[0]
    assert re.search(r"<dt>Communes</dt> <dd> 3 \(avant : 4\) </dd>", record)
    assert "Epsilon (39001)" in record.split("Communes retirées")[1]
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in record and 'aria-label="Périmètre validé de Ain' in record
    assert "Motivation : Le comité a tranché le 3 mars." in record
    assert "SGAR Auvergne-Rhône-Alpes : <strong>Défavorable</strong>" in record
    assert "École de production" in page.split('id="fiches-added"')[1].split("</ul>")[0]
    assert "3 → 3" not in page and 'id="diff-empty"' not in page


def test_later_changes_do_not_rewrite_the_record(client, validated, people):
    FicheFactory(territory=validated.territory, title="Fiche d'après")
    perimeter_version_create(
        territory=territory("ti-8401"),
        members=[(MemberKind.EPCI, "200000001")],
        edition=2026,
        reason="plus tard",
        valid_on=__import__("datetime").date(2026, 6, 1),
        actor=people["anct"],
    )
    record = ApprovedRecord.objects.get(file=validated)
    assert record.perimeter["communes_count"] == 3 and len(record.plan["fiches"]) == 1
    client.force_login(people["anct"])
    page = _text(client.get(reverse("campaigns:file", args=[validated.pk])))
    assert re.search(r"<dt>Communes</dt> <dd> 3 \(avant : 4\) </dd>", page)
    assert "Fiche d'après" not in page


def test_a_record_is_never_saved_twice(validated):
    record = ApprovedRecord.objects.get(file=validated)
    record.motivation = "réécrit"
    with pytest.raises(FrozenRecordError):
        record.save()
    assert ApprovedRecord.objects.get(file=validated).motivation == "Le comité a tranché le 3 mars."


def test_the_validated_file_page_takes_a_constant_number_of_queries(
    client, validated, people, django_assert_max_num_queries
):
    client.force_login(people["anct"])
    with django_assert_max_num_queries(40):
        assert client.get(reverse("campaigns:file", args=[validated.pk])).status_code == 200


def test_an_epci_leaving_is_named_in_the_record(client, file, people):
    PerimeterChangeRequest.objects.create(file=file, remove_epcis=["200000002"], reason="CA Beta part.")
    fresh(file).run("submit", by=people["team"])
    fresh(file).run("start_review", by=people["anct"])
    fresh(file).run("validate", by=people["anct"], acknowledged_missing=True)
    changes = ApprovedRecord.objects.get(file=file).perimeter_changes()
    assert (changes["epcis_removed"], changes["epcis_added"]) == (["CA Beta (200000002)"], [])
    client.force_login(people["team"])
    page = _text(client.get(reverse("campaigns:file", args=[file.pk])))
    assert "<dt>EPCI retirés</dt> <dd> CA Beta (200000002) </dd>" in page
