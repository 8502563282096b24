"""The public export of the labelled sites in the CNIG « Sites économiques » format (SITE-ECO zones and TERRAIN-ECO
plots), beside the CSV, XLSX and GeoJSON of /sites/labellises/: the same writer as `export_site_eco` (the same
bytes), valid against the official schemas (checked here with frictionless on what the URL serves), served even where
the schemas are not at hand (the view does not validate: ADR 0009)."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from frictionless import Resource, Schema, formats

from pilote.core import sources
from pilote.sites.enums import LabelState
from pilote.sites.siteeco import EXPORT_FIELDS, SCHEMAS

from .conftest import make_site

pytestmark = pytest.mark.django_db
DATA = Path(settings.BASE_DIR).parent / "shared" / "data"
POLYGON = '{"type": "Polygon", "coordinates": [[[5, 46], [5.01, 46], [5.01, 46.01], [5, 46]]]}'


@pytest.fixture
def mirror(settings, tmp_path):
    settings.DATA_MIRROR_DIR = str(DATA)
    settings.DATA_CACHE_DIR = tmp_path / "cache"


@pytest.fixture
def labelled(mini_world):
    make_site("L-2", name="Friche « Les Aciéries »", state=LabelState.LABELLED, polygon=POLYGON)
    make_site("L-1", name="Zone du Pont", state=LabelState.LABELLED, area_m2=None)
    make_site("P-1", name="Friche du vivier")  # in the pool: not exported


def _served(client, table: str):
    response = client.get(reverse("sites:labelled_site_eco", args=[table]))
    assert response.status_code == 200
    return response


def _rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8")), delimiter=";"))


def test_the_columns_are_those_of_the_official_schemas(mirror):
    for table, name in SCHEMAS.items():
        schema = json.loads(sources.fetch_named(name).read_text(encoding="utf-8"))
        assert list(EXPORT_FIELDS[table]) == [f["name"] for f in schema["fields"]]


def test_each_labelled_site_is_a_zone_and_its_plot(client, labelled):
    zones, plots = _rows(_served(client, "site-eco")), _rows(_served(client, "terrain-eco"))
    assert [z["site_nom"] for z in zones] == ["Zone du Pont", "Friche « Les Aciéries »"]  # by identifier
    assert [z["site_id"] for z in zones] == ["01004_SITE-ECO_00001", "01004_SITE-ECO_00002"]
    assert [p["site_id"] for p in plots] == [z["site_id"] for z in zones]
    assert [(z["site_surf_brute"], z["site_etat"]) for z in zones] == [("0.0", "labellisé"), ("12.0", "labellisé")]
    assert zones[1]["site_geomsurf"] == POLYGON and zones[0]["site_description"].startswith("Contour approché")


@pytest.mark.parametrize("table", ["site-eco", "terrain-eco"])
def test_what_the_url_serves_is_valid_against_the_official_schema(client, labelled, mirror, tmp_path, table):
    served = tmp_path / f"{table}.csv"
    served.write_bytes(_served(client, table).content)
    schema = Schema.from_descriptor(json.loads(sources.fetch_named(SCHEMAS[table]).read_text(encoding="utf-8")))
    csv_control = formats.CsvControl(delimiter=";")
    resource = Resource(path=served.name, basepath=str(tmp_path), schema=schema, control=csv_control)
    report = resource.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.tasks[0].stats["rows"] == 2


def test_the_url_serves_the_bytes_the_command_writes(client, labelled, mirror, tmp_path):
    call_command("export_site_eco", str(tmp_path / "out"), stdout=io.StringIO())
    for table in SCHEMAS:
        assert _served(client, table).content == (tmp_path / "out" / f"{table}.csv").read_bytes()


def test_a_csv_download_with_its_name(client, labelled):
    response = _served(client, "terrain-eco")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="sites-labellises-terrain-eco.csv"'


def test_served_where_the_schemas_are_not_at_hand(client, labelled, settings, tmp_path, monkeypatch):
    settings.DATA_MIRROR_DIR, settings.DATA_CACHE_DIR = "", tmp_path / "empty"

    def no_network(source, target):
        raise AssertionError(f"{source.name} fetched while serving the export")

    monkeypatch.setattr(sources, "_download", no_network)
    assert len(_rows(_served(client, "site-eco"))) == 2


def test_no_labelled_site_gives_the_header_alone(client, mini_world):
    text = _served(client, "site-eco").content.decode()
    assert text.splitlines() == [";".join(EXPORT_FIELDS["site-eco"])]


def test_another_table_is_not_found(client, mini_world):
    assert client.get("/sites/labellises-pole-eco.csv").status_code == 404


def test_the_labelled_sites_page_links_both_tables(client, labelled):
    html = client.get(reverse("sites:labelled")).content.decode()
    block = html.split('id="site-eco-downloads"')[1].split("</p>")[0]
    assert 'href="/sites/labellises-site-eco.csv">table SITE-ECO (CSV)</a>' in block
    assert 'href="/sites/labellises-terrain-eco.csv">table TERRAIN-ECO (CSV)</a>' in block


@pytest.mark.parametrize("count", [1, 4])
def test_the_export_costs_the_same_queries_whatever_the_number_of_sites(
    client, mini_world, count, django_assert_num_queries
):
    for n in range(count):
        make_site(f"L-{n}", state=LabelState.LABELLED)
    with django_assert_num_queries(3):  # the labelled sites, their communes, their EPCI
        _served(client, "site-eco")
