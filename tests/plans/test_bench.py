"""The plan section of `make bench` imports a small plan, requests its page and leaves the database as it was. What
it prints is checked here, never how long it took: the timings and their targets belong to `make bench`."""

import io
import re

from django.core.management.base import OutputWrapper

from pilote.core.benchtools import BenchMixin
from pilote.core.models import AuditEvent, User
from pilote.plans import bench
from pilote.plans.models import FicheAction


class Section(bench.PlanBench, BenchMixin):
    def __init__(self):
        self.out, self.lines = io.StringIO(), []
        self.stdout = OutputWrapper(self.out)


def run_section(monkeypatch, fiches: int) -> str:
    monkeypatch.setattr(bench, "MAX_FICHES", fiches)
    section = Section()
    section.bench_plan_import(runs=1)
    return "\n".join(section.lines)


def page_queries(lines: str, fiches: int) -> int:
    """The number of queries of the plan page, from its row « plan page of N fiches [200, Q queries] »."""
    found = re.search(rf"plan page of {fiches} fiches \[200, (\d+) queries\]", lines)
    assert found, lines
    return int(found[1])


def test_the_plan_section_imports_requests_the_page_then_rolls_back(mini_world, monkeypatch):
    lines = run_section(monkeypatch, 30)
    assert "'created': 30" in lines and "errors" not in lines
    assert "plan import of 30 fiches (validation + writing)" in lines
    assert "plan page of 30 fiches: GET " in lines and "plan page of 30 fiches: size" in lines
    assert not FicheAction.objects.exists() and not AuditEvent.objects.exists()
    assert not User.objects.filter(username="bench-plan-team").exists()


def test_the_plan_page_it_requests_takes_as_many_queries_for_3_fiches_as_for_30(mini_world, monkeypatch):
    assert page_queries(run_section(monkeypatch, 3), 3) == page_queries(run_section(monkeypatch, 30), 30)
