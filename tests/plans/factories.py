"""Factories for fiches actions and governance, on the territories of `mini_world`."""

import datetime
from decimal import Decimal

import factory

from pilote.plans.enums import FicheStatus, Priority
from pilote.plans.models import FicheAction, Funder, Indicator
from pilote.territories.models import Binome, CommitteeMember, Partner, ProjectLead, Territory


def territory(code="ti-8401", phase="2023-2027") -> Territory:
    return Territory.objects.get(phase__slug=phase, code=code)


class FicheFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FicheAction

    title = factory.Sequence(lambda n: f"Fiche {n} : école de production")
    description = "Former les jeunes du territoire aux métiers de l'industrie."
    priority = Priority.SKILLS
    status = FicheStatus.ONGOING
    lead_organisation = "CC Alpha"
    started_on = datetime.date(2024, 1, 1)
    ended_on = datetime.date(2026, 12, 31)
    total_cost = Decimal("120000.00")


class FunderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funder

    fiche = factory.SubFactory(FicheFactory)
    organisation = "Banque des Territoires"
    amount = Decimal("40000.00")
    is_secured = True


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    fiche = factory.SubFactory(FicheFactory)
    name = "Jeunes formés"
    unit = "personnes"
    target = Decimal("30")
    value = Decimal("12")
    measured_on = datetime.date(2025, 6, 30)


def governance(t: Territory) -> None:
    Binome.objects.create(
        territory=t,
        elected_name="Anne Durand",
        elected_function="Présidente",
        elected_organisation="CC Alpha",
        industrialist_name="Paul Morel",
        industrialist_company="Morel Usinage",
        industrialist_siren="123456789",
    )
    ProjectLead.objects.create(
        territory=t,
        name="Léa Petit",
        employer="CC Alpha",
        started_on=datetime.date(2023, 9, 1),
        full_time_share=Decimal("0.80"),
        state_funding=Decimal("20000"),
        epci_funding=Decimal("20000"),
    )
    CommitteeMember.objects.create(
        territory=t, name="Marc Roux", organisation="Préfecture de l'Ain", role="Sous-préfet"
    )
    Partner.objects.create(territory=t, name="Bpifrance", contribution="Accompagnement des PME")
