"""The campaign dashboard (ANCT: everything; a region: its scope) and its CSV/XLSX exports."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from pilote.campaigns.models import OpinionRequest, TerritoryFile
from pilote.territories.models import Territory

from .conftest import fresh


@pytest.fixture
def started(file, people):
    """ti-8401 under review with one late opinion; ti-2701 untouched."""
    file.run("submit", by=people["team"])
    file = fresh(file)
    file.run("start_review", by=people["anct"])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    OpinionRequest.objects.filter(
        file=file, organisation__kind="prefecture_region", organisation__region_code="84"
    ).update(deadline=yesterday)
    return file


def _get(client, user, name, campaign):
    client.force_login(user)
    return client.get(reverse(f"campaigns:{name}", args=[campaign.pk]))


def test_anct_sees_files_by_state_and_region_late_opinions_and_territories_not_started(
    client, campaign, started, people
):
    response = _get(client, people["anct"], "dashboard", campaign)
    assert response.status_code == 200
    context = response.context
    assert {r.code: r.counts for r in context["regions"]} == {"84": {"en_instruction": 1}, "27": {"brouillon": 1}}
    assert [r.organisation.region_code for r in context["late_opinions"]] == ["84"]
    assert [f.territory.code for f in context["not_started"]] == ["ti-2701"]


def test_a_region_sees_only_its_scope(client, campaign, started, people):
    context = _get(client, people["region84"], "dashboard", campaign).context
    assert [f.territory.code for f in context["files"]] == ["ti-8401"]
    context = _get(client, people["region27"], "dashboard", campaign).context
    assert [f.territory.code for f in context["files"]] == ["ti-2701", "ti-8401"]


@pytest.mark.parametrize("who", ["team", "operator", "nobody"])
@pytest.mark.parametrize("name", ["dashboard", "export_csv", "export_xlsx"])
def test_teams_and_others_do_not_see_the_dashboard(client, campaign, people, who, name):
    assert _get(client, people[who], name, campaign).status_code == 403


def test_anonymous_is_sent_to_the_login_page(client, campaign):
    response = client.get(reverse("campaigns:dashboard", args=[campaign.pk]))
    assert response.status_code == 302 and "next=" in response["Location"]


def test_csv_export(client, campaign, started, people):
    response = _get(client, people["anct"], "export_csv", campaign)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["code", "territoire", "région", "état"]
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["ti-8401"][3] == "En instruction"
    assert by_code["ti-8401"][6:9] == ["6", "0", "1"]  # 2 préfectures, 2 SGAR, 2 conseils régionaux
    assert by_code["ti-2701"][3] == "Brouillon" and by_code["ti-2701"][9] == "non"


def test_xlsx_export_of_a_region(client, campaign, started, people):
    response = _get(client, people["region84"], "export_xlsx", campaign)
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "code" and [r[0] for r in rows[1:]] == ["ti-8401"]
    assert rows[1][8] == 1


def test_dashboard_queries_do_not_grow_with_the_files(client, campaign, started, people, django_assert_max_num_queries):
    client.force_login(people["anct"])
    url = reverse("campaigns:dashboard", args=[campaign.pk])
    client.get(url)
    with django_assert_max_num_queries(13) as few:  # « À traiter » of the header: one query per app (campaigns, sites)
        client.get(url)
    phase = campaign.phase
    extra = Territory.objects.bulk_create(
        Territory(phase=phase, code=f"ti-84{n:02d}", name=f"Extra {n}", region_code="84") for n in range(10, 40)
    )
    TerritoryFile.objects.bulk_create(TerritoryFile(campaign=campaign, territory=t) for t in extra)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["files"]) == 32
