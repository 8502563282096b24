"""Benchmark section (f) of `manage.py bench`: the campaign dashboard and a file page with one file per phase-2
territory (183) of about 25 fiches each, built inside a transaction that is rolled back at the end."""

import statistics
from datetime import timedelta
from decimal import Decimal
from itertools import cycle

from django.conf import settings
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pilote.core.benchtools import BenchSection, Rollback, timer
from pilote.core.enums import Operator, OrganisationKind, Role
from pilote.core.models import Organisation, RoleAssignment, User
from pilote.geography.projection import edition_index
from pilote.plans.enums import FicheStatus, Priority
from pilote.plans.models import FicheAction, Funder, Indicator
from pilote.territories.models import Binome, CommitteeMember, Partner, Phase, Resolution, Territory

from .enums import FileState, OpinionKind
from .models import Opinion, OpinionRequest, PerimeterChangeRequest, TerritoryFile
from .perimeter import current_communes
from .services import campaign_open

CAMPAIGN_TARGET_MS = 150
PERIMETER_CHECK_TARGET_MS = 1000
OPINION_REQUESTS = 1_000  # in the campaign, for the operator's inbox
FICHES_PER_TERRITORY = 25
# files move along the workflow in this rotation (the timed file page is one in review)
ROTATION = [FileState.DRAFT, FileState.SUBMITTED, FileState.IN_REVIEW, FileState.TO_COMPLETE, FileState.VALIDATED]
STEPS = {
    FileState.DRAFT: [],
    FileState.SUBMITTED: ["submit"],
    FileState.IN_REVIEW: ["submit", "start_review"],
    FileState.TO_COMPLETE: ["submit", "start_review", "send_back"],
    FileState.VALIDATED: ["submit", "start_review", "validate"],
}


class CampaignBench(BenchSection):
    """Section (f) of the bench (declared in the app's AppConfig.bench_sections)."""

    def run(self, runs: int) -> None:
        self.bench_campaign(runs)

    def bench_campaign(self, runs: int):
        self.section(
            f"(f) campaign pages, one file per phase-2 territory of ~{FICHES_PER_TERRITORY} fiches "
            f"(Django test client as ANCT, median of {runs} after 1 warm-up, DEBUG off; data rolled back)"
        )
        settings.DEBUG = False
        try:
            with transaction.atomic():
                with timer() as build:
                    anct, campaign, file = self.build_campaign()
                files = campaign.files.count()
                fiches = FicheAction.objects.filter(territory__in=campaign.files.values("territory")).count()
                self.row(
                    f"built: {files} files, {fiches} fiches ({fiches / files:.1f} per file), states in rotation",
                    f"{build():.1f} s",
                )
                client = self.client()
                client.force_login(anct)
                for label, url in (
                    ("dashboard", reverse("campaigns:dashboard", args=[campaign.pk])),
                    (f"file page, {file.territory.code} in review", reverse("campaigns:file", args=[file.pk])),
                ):
                    self.time_page(client, label, url, runs, CAMPAIGN_TARGET_MS)
                self.bench_perimeter_check(campaign, runs)
                self.bench_inbox(campaign, runs)
                raise Rollback
        except Rollback:
            pass
        edition_index.cache_clear()

    def bench_perimeter_check(self, campaign, runs: int) -> None:
        """« Vérifier » on the request of the territory with the most communes: one commune removed and one typed
        by name. First with the edition's index not loaded yet (a fresh worker), then the median."""
        largest = (
            Resolution.objects.current(settings.DEFAULT_EDITION)
            .filter(version__territory__in=campaign.territories.all())
            .order_by("-communes_count")
            .select_related("version__territory")
            .first()
        )
        territory = largest.version.territory
        file = campaign.files.get(territory=territory)
        if file.state not in (FileState.DRAFT, FileState.TO_COMPLETE):
            TerritoryFile.objects.filter(pk=file.pk).update(state=FileState.DRAFT)  # the team edits a draft
        team = User.objects.create(username="bench-team")
        RoleAssignment.objects.create(
            user=team, role=Role.TERRITORY_TEAM, phase_slug=territory.phase.slug, territory_code=territory.code
        )
        client = self.client()
        client.force_login(team)
        communes = sorted(current_communes(territory, settings.DEFAULT_EDITION))
        name = edition_index(settings.DEFAULT_EDITION).communes[communes[0]].name
        data = {"remove_communes": communes[-1], "add_place": f"{name} ({communes[0]})", "check": "1"}
        url = reverse("campaigns:file_perimeter", args=[file.pk])
        edition_index.cache_clear()
        with timer() as cold:
            client.post(url, data)
        label = f"perimeter check (« Vérifier »), {territory.code}, {largest.communes_count} communes"
        self.row(f"{label}: first request, edition index not loaded", f"{cold() * 1000:.1f} ms")
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connections["default"]) as queries, timer() as elapsed:
                response = client.post(url, data)
            times.append(elapsed() * 1000)
        median = statistics.median(times)
        self.row(
            f"{label} [{response.status_code}, {len(queries)} queries]",
            f"{median:.1f} ms",
            f"target ≤ {PERIMETER_CHECK_TARGET_MS} ms",
            median <= PERIMETER_CHECK_TARGET_MS and response.status_code == 200,
        )

    def bench_inbox(self, campaign, runs: int) -> None:
        """The inbox of an operator asked on every file, among ~1,000 opinion requests of every kind."""
        operator = self.build_operator_requests(campaign)
        requests = OpinionRequest.objects.filter(file__campaign=campaign).count()
        awaited = OpinionRequest.objects.awaited_from(operator).count()
        self.row(f"built: {requests} opinion requests, {awaited} awaited from the operator", "")
        client = self.client()
        client.force_login(operator)
        url = reverse("campaigns:list")
        self.time_page(client, "inbox of an operator, page 1", url, runs, CAMPAIGN_TARGET_MS)
        self.time_page(
            client, "inbox of an operator, à traiter, région 84", url + "?todo=1&region=84", runs, CAMPAIGN_TARGET_MS
        )

    def build_operator_requests(self, campaign) -> User:
        """An operator (Banque des Territoires) asked on every file; other operators asked until there are
        `OPINION_REQUESTS` requests in all (the State services' ones included)."""
        kinds = [Operator.BANQUE_DES_TERRITOIRES, *(o for o in Operator.values if o != Operator.BANQUE_DES_TERRITOIRES)]
        organisations = [
            Organisation.objects.create(kind=OrganisationKind.OPERATOR, operator=kind, name=f"{kind} (banc d'essai)")
            for kind in kinds
        ]
        user = User.objects.create(username="bench-operator", organisation=organisations[0])
        RoleAssignment.objects.create(user=user, role=Role.OPERATOR)
        files = list(campaign.files.order_by("territory__code").values_list("pk", flat=True))
        missing = OPINION_REQUESTS - OpinionRequest.objects.filter(file__campaign=campaign).count()
        deadline = campaign.opinion_deadline
        wanted = [(f, o) for o in organisations for f in files][: max(missing, len(files))]
        OpinionRequest.objects.bulk_create(
            OpinionRequest(file_id=f, organisation=o, deadline=deadline, asked_by=campaign.opened_by) for f, o in wanted
        )
        return user

    def build_campaign(self) -> tuple[User, object, TerritoryFile]:
        """ANCT, fiches with funders and indicators, governance, a campaign over every phase-2 territory, files in
        every state with plan and governance changes, perimeter requests and opinions. Returns the timed file."""
        anct = User.objects.create(username="bench-anct", first_name="Banc", last_name="d'essai")
        RoleAssignment.objects.create(user=anct, role=Role.NATIONAL)
        phase = Phase.objects.get(slug="2023-2027")
        territories = list(Territory.objects.filter(phase=phase, withdrawn_on=None).order_by("code"))
        priorities, statuses = cycle(Priority.values), cycle(FicheStatus.values)
        fiches = FicheAction.objects.bulk_create(
            FicheAction(
                territory=t,
                title=f"Fiche {n + 1} de {t.code} : plateau technique partagé",
                description="Fiche du banc d'essai.",
                priority=next(priorities),
                status=next(statuses),
                lead_organisation="Intercommunalité",
                total_cost=Decimal(100_000 + 1_000 * n),
            )
            for t in territories
            for n in range(FICHES_PER_TERRITORY)
        )
        Funder.objects.bulk_create(
            Funder(fiche=f, organisation=name, amount=Decimal(20_000), is_secured=n == 0)
            for f in fiches
            for n, name in enumerate(("Banque des Territoires", "Région"))
        )
        Indicator.objects.bulk_create(
            Indicator(fiche=f, name=name, unit="personnes", target=Decimal(30), value=Decimal(10))
            for f in fiches
            for name in ("Emplois créés", "Jeunes formés")
        )
        with_binome = set(Binome.objects.values_list("territory_id", flat=True))
        Binome.objects.bulk_create(
            Binome(
                territory=t,
                elected_name="Élue du banc",
                elected_function="Présidente",
                elected_organisation="Intercommunalité",
                industrialist_name="Industriel du banc",
                industrialist_company="Usinage SA",
            )
            for t in territories
            if t.pk not in with_binome
        )
        CommitteeMember.objects.bulk_create(
            CommitteeMember(territory=t, name=f"Membre {n}", organisation="Préfecture")
            for t in territories
            for n in (1, 2)
        )
        Partner.objects.bulk_create(
            (Partner(territory=t, name="Bpifrance") for t in territories),
            ignore_conflicts=True,  # the demo may have it
        )
        today = timezone.localdate()
        campaign = campaign_open(
            name="Banc d'essai",
            phase=phase,
            territories=territories,
            submission_deadline=today + timedelta(days=30),
            opinion_deadline=today + timedelta(days=60),
            actor=anct,
        )
        # What the teams change before submitting: 3 fiches, one arrival on the steering committee.
        changed = [f for i, f in enumerate(fiches) if i % FICHES_PER_TERRITORY < 3]
        for f in changed:
            f.total_cost += 50_000
            f.lead_organisation = "Agence de développement économique"
        FicheAction.objects.bulk_update(changed, ["total_cost", "lead_organisation"])
        CommitteeMember.objects.bulk_create(
            CommitteeMember(territory=t, name="Nouvelle venue", organisation="Région") for t in territories
        )
        states, timed = cycle(ROTATION), None
        files = campaign.files.select_related("territory__phase", "campaign").order_by("territory__code")
        for file in files:
            target = next(states)
            if target in (FileState.IN_REVIEW, FileState.SUBMITTED):
                # remove one commune: a valid request, checked at submission and on the file page
                communes = sorted(current_communes(file.territory, settings.DEFAULT_EDITION))
                if len(communes) > 1:
                    PerimeterChangeRequest.objects.create(
                        file=file, remove_communes=communes[-1:], reason="Banc d'essai", updated_by=anct
                    )
                    if timed is None and target == FileState.IN_REVIEW:
                        timed = file
            for step in STEPS[target]:
                options = {"acknowledged_missing": True} if step == "validate" else {}  # opinions come after
                getattr(file, step)(by=anct, comment="Banc d'essai", **options)
                file.save()
        kinds = cycle(OpinionKind.values)
        Opinion.objects.bulk_create(
            Opinion(request=r, kind=next(kinds), text="Avis du banc d'essai.", author=anct)
            for i, r in enumerate(OpinionRequest.objects.filter(file__campaign=campaign).order_by("id"))
            if i % 2 == 0
        )
        return anct, campaign, timed
