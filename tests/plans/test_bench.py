"""The plan section of `make bench` runs on a small plan and leaves the database as it was."""

import io

from django.core.management.base import OutputWrapper

from pilote.core.benchtools import BenchMixin
from pilote.core.models import AuditEvent, User
from pilote.plans import bench
from pilote.plans.models import FicheAction


class Section(bench.PlanBench, BenchMixin):
    def __init__(self):
        self.out, self.lines = io.StringIO(), []
        self.stdout = OutputWrapper(self.out)


def test_the_plan_section_times_the_import_and_the_page_then_rolls_back(mini_world, monkeypatch):
    monkeypatch.setattr(bench, "MAX_FICHES", 30)
    section = Section()
    section.bench_plan_import(runs=1)
    lines = "\n".join(section.lines)
    assert "'created': 30" in lines
    assert "plan import of 30 fiches (validation + writing)" in lines and "MISSED" not in lines
    assert "plan page of 30 fiches [200, " in lines and "plan page of 30 fiches: size" in lines
    assert not FicheAction.objects.exists() and not AuditEvent.objects.exists()
    assert not User.objects.filter(username="bench-plan-team").exists()
