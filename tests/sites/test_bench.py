"""The sites sections of `make bench` run on small data and leave the database as it was. What they print is checked
here, never how long it took: the timings and their targets belong to `make bench`."""

import io

from django.conf import settings
from django.core.management.base import OutputWrapper

from pilote.core.benchtools import BenchMixin
from pilote.core.models import User
from pilote.geography.enums import CommuneKind
from pilote.geography.models import Commune
from pilote.sites import bench, bench_selection, bench_zan, scoring
from pilote.sites.models import NafConsumption, Selection, Site, SiteImport

from .conftest import make_site
from .files import brownfield, write_cartofriches


class Report(BenchMixin):
    """What `manage.py bench` hands a section: its output and the lines it collects."""

    def __init__(self):
        self.lines, self.stdout = [], OutputWrapper(io.StringIO())


def test_the_import_section_inserts_the_same_rows_bare_then_imports_them_and_rolls_back(mini_world, tmp_path,
                                                                                          monkeypatch):  # fmt: skip
    rows = [brownfield(f"01001_{i}", "01001") for i in range(3)]
    monkeypatch.setattr(bench, "fetch_named", lambda name: write_cartofriches(tmp_path / "friches.csv", rows))
    section = bench.ImportBench(Report())
    section.run(runs=1)
    lines = "\n".join(section.lines)
    assert "bare executemany of 3 rows" in lines and "import_sites cartofriches: 3 created, 0 updated" in lines
    assert "import / bare executemany" in lines
    assert not Site.objects.exists() and not SiteImport.objects.exists()


def test_the_selection_section_signs_in_a_person_of_its_own_to_time_the_page(mini_world):
    make_site("a")
    method = scoring.ensure_default_method()
    scoring.score_pool(method)
    section = bench_selection.SelectionBench(Report())
    section._page(method, runs=1)
    assert "selection page [200, " in "\n".join(section.lines)
    assert not User.objects.filter(username="bench-selection").exists() and not Selection.objects.exists()


def test_the_zan_section_writes_one_naf_row_per_current_commune_a_delegated_one_sharing_its_code(
    mini_world, data_mirror
):
    edition = settings.DEFAULT_EDITION
    delta = Commune.objects.get(edition_id=edition, code="01004", kind=CommuneKind.CURRENT)
    Commune.objects.create(id=99_999_001, edition_id=edition, code="01004", kind=CommuneKind.DELEGATED,
                           name="Delta-le-Vieux", parent=delta)  # fmt: skip
    current = Commune.objects.filter(edition_id=edition, kind=CommuneKind.CURRENT).count()
    section = bench_zan.ZanBench(Report())
    section.run(runs=1)
    lines = "\n".join(section.lines)
    assert f"import_naf: {current} communes" in lines  # the delegated one neither doubled nor refused
    assert not NafConsumption.objects.exists()  # rolled back
