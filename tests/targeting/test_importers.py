import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pilote.core.models import AuditEvent
from pilote.targeting import catalogue
from pilote.targeting.importers import SOURCES, write
from pilote.targeting.models import Dataset, Indicator, SourceValue, Zone, ZoneCommune
from tests import world as w

from . import files as f

pytestmark = pytest.mark.django_db


def _import(name: str, path, **options):
    return write(SOURCES[name].parse(path, **options))


def _values(indicator: str, vintage: str | None = None) -> dict[str, float]:
    rows = SourceValue.objects.filter(indicator__code=indicator)
    if vintage:
        rows = rows.filter(vintage=vintage)
    return {f"{r.vintage}:{r.code}" if vintage is None else r.code: r.value for r in rows}


# --- catalogue ---------------------------------------------------------------------------------------------------


def test_the_catalogue_is_created_once_with_its_aggregation_rules():
    catalogue.ensure_catalogue()
    with CaptureQueriesContext(connection) as queries:
        catalogue.ensure_catalogue()

    writes = [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []
    rules = dict(Indicator.objects.values_list("code", "aggregation"))
    assert rules[catalogue.POPULATION] == "sum"
    assert rules[catalogue.UNEMPLOYMENT] == "weighted_mean"
    assert rules[catalogue.POVERTY] == "weighted_mean"
    assert rules[catalogue.BROWNFIELDS] == "sum"
    share = Indicator.objects.get(code=catalogue.INDUSTRIAL_SHARE)
    assert (share.aggregation, share.numerator.code, share.denominator.code) == (
        "ratio",
        catalogue.INDUSTRIAL_JOBS,
        catalogue.SALARIED_JOBS,
    )
    assert Indicator.objects.get(code=catalogue.UNEMPLOYMENT).published_on == "zone_emploi"


# --- INSEE workbooks ---------------------------------------------------------------------------------------------


def test_the_zone_composition_is_read_under_its_banner_with_regional_parts(tmp_path):
    outcome = _import("insee-ze2020-composition", f.write_ze(tmp_path / "ze.xlsx"))

    assert outcome.dataset.geography_year == 2023  # read in the banner, not assumed
    assert dict(Zone.objects.values_list("code", "region_code")) == {"0051": "00", "8405": "84", "2701": "27"}
    members = {c.commune_code: (c.zone_code, c.zone_part_code) for c in ZoneCommune.objects.all()}
    assert members["01003"] == ("0051", "8451") and members["39001"] == ("0051", "2751")
    assert members["01001"] == ("8405", "")
    assert outcome.dataset.report["retenus"] == 6


def test_every_quarter_of_the_unemployment_workbook_is_read_and_a_blank_one_is_counted(tmp_path):
    _import("insee-ze2020-composition", f.write_ze(tmp_path / "ze.xlsx"))
    outcome = _import("insee-chomage-ze", f.write_unemployment(tmp_path / "chomage.xlsx"))

    assert _values(catalogue.UNEMPLOYMENT, "2023-T3") == {
        "0051": 6.5,
        "8405": 5.4,
        "2701": 7.9,
        "8451": 6.3,
        "2751": 6.9,
    }
    assert "2701" not in _values(catalogue.UNEMPLOYMENT, "2023-T2")  # not published: absent, never zero
    assert outcome.dataset.vintages == ["2022-T4", "2023-T1", "2023-T2", "2023-T3"]
    assert outcome.dataset.report["écartés"] == {"trimestre non publié pour la zone (séries des DROM depuis 2014)": 1}


def test_a_later_edition_with_more_quarters_and_fewer_banner_rows_replaces_the_series(tmp_path):
    _import("insee-chomage-ze", f.write_unemployment(tmp_path / "old.xlsx"))
    quarters = [*f.QUARTERS, "2023-T4"]
    rates = {code: [*values[:3], 9.9, 10.0] for code, values in f.RATES.items()}
    later = f.write_unemployment(
        tmp_path / "new.xlsx",
        sheets={"txcho_ze": f.unemployment_rows(quarters, rates, banner=[["Titre"]])},
    )

    outcome = _import("insee-chomage-ze", later)

    assert _values(catalogue.UNEMPLOYMENT, "2023-T4") == {"0051": 10.0, "8405": 10.0, "2701": 10.0}
    assert _values(catalogue.UNEMPLOYMENT, "2023-T3")["8405"] == 9.9  # revised by the later edition
    # the later file is the one the whole series comes from: 3 zones × 5 quarters, one not published
    assert SourceValue.objects.filter(indicator__code=catalogue.UNEMPLOYMENT).count() == 14
    assert "onglet « txcho_parties reg » absent" in " ".join(outcome.dataset.report["remarques"])


def test_the_same_file_twice_writes_nothing_and_a_dry_run_writes_nothing(tmp_path):
    path = f.write_unemployment(tmp_path / "chomage.xlsx")
    dry = write(SOURCES["insee-chomage-ze"].parse(path), dry_run=True)
    assert (dry.written, Dataset.objects.count(), SourceValue.objects.count()) == (False, 0, 0)

    first, second = _import("insee-chomage-ze", path), _import("insee-chomage-ze", path)

    assert (first.written, second.written, second.already_imported) == (True, False, True)
    assert Dataset.objects.count() == 1 and SourceValue.objects.count() == 11 + 8  # zones, regional parts


def test_filosofi_keeps_the_published_rates_and_counts_the_secret_ones(tmp_path):
    path = f.write_filosofi(tmp_path / "filo.xlsx", {"01001": 18, "01002": None, "39002": 12.5})

    outcome = _import("insee-filosofi-2019", path)

    assert _values(catalogue.POVERTY, "2019") == {"01001": 18.0, "39002": 12.5}
    assert outcome.dataset.geography_year == 2020
    assert outcome.dataset.report["écartés"] == {"taux soumis au secret statistique (non diffusé)": 1}


# --- populations from the npm editions ---------------------------------------------------------------------------


def test_population_series_come_from_each_edition_with_their_own_vintage(tmp_path, settings):
    root = tmp_path / "node_modules"
    w.write_edition(root, 2020)
    later = w.edition_records(2026)
    w.write_edition(root, 2025, later)
    (root / "cog-2025").rename(root / "pop-2020")  # the alias holding the 2020 legal populations
    settings.NODE_MODULES_DIR = root

    call_command("import_indicators", "population-2016", "population-2020", "population-2019", available=True)

    assert _values(catalogue.POPULATION, "2016")["01003"] == 300
    assert _values(catalogue.POPULATION, "2020")["01002"] == 520  # the commune nouvelle, in COG 2024 codes
    assert "01003" not in _values(catalogue.POPULATION, "2020")  # commune déléguée, counted in 01002
    datasets = dict(Dataset.objects.values_list("source", "geography_year"))
    assert datasets == {"population-2016": 2020, "population-2020": 2024}  # population-2019 is not at hand


# --- CSV sources -------------------------------------------------------------------------------------------------


def test_brownfields_count_verified_sites_and_hectares_and_leave_potential_ones_out(tmp_path):
    rows = [
        ("01001", "friche sans projet", "25000", "30000"),
        ("01001", "friche avec projet", "", "5000"),
        ("01001", "friche potentielle", "90000", ""),
        ("39002", "friche reconvertie", "1000", ""),
        ("39002", "friche sans projet", "", ""),
    ]
    outcome = _import("cartofriches-2024-03", f.write_brownfields(tmp_path / "friches.csv", rows))

    assert _values(catalogue.BROWNFIELDS, "2024-03") == {"01001": 2.0, "39002": 1.0}
    assert _values(catalogue.BROWNFIELD_HA, "2024-03") == {"01001": 3.0, "39002": 0.0}
    left_out = outcome.dataset.report["écartés"]
    assert left_out["« friche potentielle » : site BASIAS/BASOL non vérifié, pas une friche avérée"] == 1
    assert left_out["« friche reconvertie » : plus une friche"] == 1


URSSAF_ROWS = [
    ("01001", "2511Z Fabrication de structures métalliques", {"2019": (2, 40), "2022": (2, 30)}),
    ("01001", "4711D Supermarchés", {"2019": (1, 20), "2022": (1, 25)}),
    ("01001", "3821Z Traitement des déchets", {"2019": (1, 5), "2022": ("", "")}),
    ("39002", "0510Z Extraction de houille", {"2019": (1, 7), "2022": (1, 6)}),
    ("39002", "4120A Construction de maisons", {"2019": (3, 12), "2022": (3, 14)}),
]


def test_urssaf_csv_with_bom_gives_salaried_and_industrial_employment_by_year(tmp_path):
    outcome = _import("urssaf-etablissements-effectifs", f.write_urssaf(tmp_path / "urssaf.csv", URSSAF_ROWS))

    assert _values(catalogue.SALARIED_JOBS) == {"2019:01001": 65, "2022:01001": 55, "2019:39002": 19, "2022:39002": 20}
    # industry = NAF sections B–E: 25 and 38 (C, E) and 05 (B), not 47 (trade) nor 41 (construction)
    assert _values(catalogue.INDUSTRIAL_JOBS) == {"2019:01001": 45, "2022:01001": 30, "2019:39002": 7, "2022:39002": 6}
    assert _values(catalogue.ESTABLISHMENTS, "2022") == {"01001": 3, "39002": 4}
    assert outcome.dataset.vintages == ["2019", "2022"]


def test_dossier_complet_reads_its_variables_and_counts_secret_and_unavailable_cells(tmp_path):
    rows = {"01001": ("120", "3", "21500"), "01002": ("s", "nd", "20100,5"), "39002": ("800", "12", "s")}

    outcome = _import("insee-dossier-complet", f.write_dossier_complet(tmp_path / "dossier_complet.csv", rows))

    assert _values(catalogue.JOBS_AT_WORKPLACE, "2021") == {"01001": 120, "39002": 800}
    assert _values(catalogue.INDUSTRIAL_ESTABLISHMENTS, "2021") == {"01001": 3, "39002": 12}
    assert _values(catalogue.MEDIAN_INCOME, "2021") == {"01001": 21500, "01002": 20100.5}
    assert outcome.dataset.report["écartés"] == {
        "valeur non disponible (« nd »)": 1,
        "valeur soumise au secret statistique (« s »)": 2,
    }


def test_a_file_given_by_hand_is_recorded_under_its_checksum_and_in_the_trail(tmp_path, capsys):
    path = f.write_urssaf(tmp_path / "urssaf-2025.csv", URSSAF_ROWS)

    call_command("import_indicators", file=path, kind="urssaf", edition=2025)
    call_command("import_indicators", file=path, kind="urssaf", edition=2025)

    dataset = Dataset.objects.get()
    assert dataset.source.startswith("fichier-") and dataset.geography_year == 2025
    assert AuditEvent.objects.filter(action="dataset.import").count() == 1
    assert "déjà importé (même empreinte SHA-256), rien n'a été écrit" in capsys.readouterr().out
