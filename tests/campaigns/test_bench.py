"""The campaign section of `make bench` times « Vérifier » on the territory with the most communes."""

import io

from django.core.management.base import OutputWrapper

from pilote.campaigns import bench
from pilote.core.benchtools import BenchMixin


class Section(bench.CampaignBench, BenchMixin):
    def __init__(self):
        self.out, self.lines = io.StringIO(), []
        self.stdout = OutputWrapper(self.out)


def test_the_perimeter_check_is_timed_on_the_largest_territory(campaign):
    section = Section()
    section.bench_perimeter_check(campaign, runs=2)
    lines = "\n".join(section.lines)
    assert "perimeter check (« Vérifier »), ti-8401, 4 communes: first request, edition index not loaded" in lines
    assert "perimeter check (« Vérifier »), ti-8401, 4 communes [200, " in lines and "MISSED" not in lines
