"""The pool of sites from the real Cartofriches and Fonds friches files, through bootstrap: every site kept, every
site placed in a commune of the platform's edition or reported; Fonds friches files linked or reported."""

import pytest
from django.conf import settings

from pilote.geography.projection import edition_index
from pilote.sites.enums import SiteOrigin
from pilote.sites.models import BrownfieldFunding, Site, SiteImport

pytestmark = pytest.mark.realdata
UNPLACED = f"commune absente du COG {settings.DEFAULT_EDITION} : site gardé sans commune"


def test_every_brownfield_of_the_inventory_is_in_the_pool(db):
    assert Site.objects.filter(origin=SiteOrigin.CARTOFRICHES).count() == 23_878
    report = SiteImport.objects.get(source="cartofriches").report
    assert (report["lus"], report["créés"]) == (23_878, 23_878)


def test_every_site_is_placed_in_a_commune_of_the_edition_or_reported(db):
    communes = edition_index(settings.DEFAULT_EDITION).communes
    placed = Site.objects.exclude(commune_code="").values_list("commune_code", "epci_siren", "region_code")
    assert all(code in communes and region == communes[code].region for code, _, region in placed)
    unplaced = Site.objects.filter(commune_code="").count()
    reported = SiteImport.objects.get(source="cartofriches").report["écartés"]
    assert (unplaced, reported.get(UNPLACED, 0)) == (0, 0)  # measured: every site of March 2024 has its commune
    assert reported[f"ancien code commune rapporté à la commune du COG {settings.DEFAULT_EDITION}"] == 37
    assert Site.objects.exclude(commune_code="").filter(epci_siren="").count() == 2  # communes without an EPCI


def test_sites_in_a_territory_of_the_current_phase_carry_its_code(db):
    assert Site.objects.filter(territories__has_key="2023-2027").count() == 16_301


def test_fonds_friches_files_are_linked_to_the_brownfields_naming_them_or_reported(db):
    assert BrownfieldFunding.objects.count() == 4_446
    report = SiteImport.objects.get(source="fonds-friches").report
    unlinked = BrownfieldFunding.objects.filter(site=None).count()
    assert report["écartés"] == {"dossier sans friche correspondante dans Cartofriches (gardé, non rattaché)": unlinked}
    assert (BrownfieldFunding.objects.exclude(site=None).count(), unlinked) == (2_206, 2_240)
