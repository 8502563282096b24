"""Benchmark section (h) of `manage.py bench`: the import of a plan of MAX_FICHES fiches (each with two funders and
an indicator) through the import form, validation then writing timed apart, and the plan page that lists them;
inside a transaction rolled back at the end (the database is left as it was)."""

import datetime
import io

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from openpyxl import Workbook

from pilote.core.benchtools import BenchSection, Rollback, timer
from pilote.core.enums import Role
from pilote.core.models import RoleAssignment, User
from pilote.territories.models import Territory

from .forms import PlanImportForm
from .spreadsheet import FICHE_COLUMNS, FICHES, FUNDER_COLUMNS, FUNDERS, INDICATOR_COLUMNS, INDICATORS, MAX_FICHES

IMPORT_TARGET_S = 5
PAGE_TARGET_MS = 150
PAGE_TARGET_BYTES = 200_000


class PlanBench(BenchSection):
    """Section (h) of the bench (declared in the app's AppConfig.bench_sections)."""

    def run(self, runs: int) -> None:
        self.bench_plan_import(runs)

    def bench_plan_import(self, runs: int):
        self.section(
            f"(h) import of a plan of {MAX_FICHES} fiches, 2 funders and 1 indicator each, through the import form "
            "(data rolled back)"
        )
        settings.DEBUG = False
        territory = Territory.objects.filter(phase__slug="2023-2027").select_related("phase").order_by("code").first()
        with timer() as build:
            content = plan_workbook(MAX_FICHES)
        self.row(f"workbook written with openpyxl: {len(content):,} B", f"{build():.2f} s")
        try:
            with transaction.atomic():
                team = self.plan_team(territory)
                self.time_import(territory, team, content)
                client = self.client()
                client.force_login(team)
                url = reverse("plans:plan", kwargs={"phase": territory.phase.slug, "code": territory.code})
                self.time_page(client, f"plan page of {MAX_FICHES} fiches", url, runs, PAGE_TARGET_MS)
                size = len(client.get(url).content)
                self.row(
                    f"plan page of {MAX_FICHES} fiches: size",
                    f"{size:,} B",
                    f"≤ {PAGE_TARGET_BYTES:,} B",
                    size <= PAGE_TARGET_BYTES,
                )
                raise Rollback
        except Rollback:
            pass

    def time_import(self, territory, team, content: bytes) -> None:
        file = SimpleUploadedFile("plan.xlsx", content)
        form = PlanImportForm({}, {"file": file}, territory=territory, actor=team)
        with timer() as validate:
            valid = form.is_valid()
        with timer() as write:
            counts = form.save() if valid else {"errors": form.errors.as_text()}
        total = validate() + write()
        self.row("validation: the whole workbook read and checked", f"{validate():.2f} s")
        self.row(f"writing, one transaction: {counts}", f"{write():.2f} s")
        ok = valid and counts["created"] == MAX_FICHES and total <= IMPORT_TARGET_S
        self.row(
            f"plan import of {MAX_FICHES} fiches (validation + writing)",
            f"{total:.2f} s",
            f"target ≤ {IMPORT_TARGET_S} s",
            ok,
        )

    @staticmethod
    def plan_team(territory: Territory) -> User:
        team = User.objects.create(username="bench-plan-team", first_name="Banc", last_name="d'essai")
        RoleAssignment.objects.create(
            user=team, role=Role.TERRITORY_TEAM, phase_slug=territory.phase.slug, territory_code=territory.code
        )
        return team


def plan_workbook(count: int) -> bytes:
    """The import template holding `count` new fiches ("N1"…), two funders and one indicator each."""
    book = Workbook()  # not write-only: like Excel and the export, it declares each sheet's dimension
    book.remove(book.active)
    sheets = {title: book.create_sheet(title) for title in (FICHES, FUNDERS, INDICATORS)}
    for title, columns in ((FICHES, FICHE_COLUMNS), (FUNDERS, FUNDER_COLUMNS), (INDICATORS, INDICATOR_COLUMNS)):
        sheets[title].append(list(columns))
    start, end = datetime.date(2024, 1, 1), datetime.date(2027, 12, 31)
    for n in range(1, count + 1):
        ref = f"N{n}"
        sheets[FICHES].append(
            [
                ref,
                f"Fiche {n} : école de production",
                "Former les jeunes du territoire aux métiers de l'industrie.",
                "Compétences et recrutement",
                "En cours",
                "CC Alpha",
                start,
                end,
                120_000 + n,
            ]
        )
        sheets[FUNDERS].append([ref, "Région", 40_000, "acquis"])
        sheets[FUNDERS].append([ref, "ADEME", 12_500.5, "attendu"])
        sheets[INDICATORS].append([ref, "Jeunes formés", "personnes", 40, 12, datetime.date(2025, 6, 30)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
