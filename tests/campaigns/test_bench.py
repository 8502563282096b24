"""The campaign section of `make bench` runs « Vérifier » on the territory with the most communes. What it prints is
checked here, never how long it took: the timings and their targets belong to `make bench`."""

import io
import re

from django.core.management.base import OutputWrapper

from pilote.campaigns import bench
from pilote.core.benchtools import BenchMixin


class Section(bench.CampaignBench, BenchMixin):
    def __init__(self):
        self.out, self.lines = io.StringIO(), []
        self.stdout = OutputWrapper(self.out)


def test_the_perimeter_check_runs_on_the_largest_territory(campaign):
    section = Section()
    section.bench_perimeter_check(campaign, runs=2)
    lines = "\n".join(section.lines)
    label = "perimeter check (« Vérifier »), ti-8401, 4 communes"
    assert f"{label}: first request, edition index not loaded" in lines
    found = re.search(rf"{re.escape(label)} \[200, (\d+) queries\]", lines)
    assert found and int(found[1]) > 0, lines
