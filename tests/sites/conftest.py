import pytest

from pilote.core.enums import OrganisationKind, Role
from pilote.sites.enums import LabelState, SiteKind, SiteOrigin
from pilote.sites.models import Site
from tests.conftest import saved_person
from tests.core.factories import OrganisationFactory


def make_site(identifier="S-1", state=LabelState.POOL, **fields) -> Site:
    """A site of commune 01004 (Delta, Ain, région 84), in ti-8401 of phase 2023-2027."""
    values = {
        "name": "Friche Delta",
        "kind": SiteKind.BROWNFIELD,
        "origin": SiteOrigin.CARTOFRICHES,
        "latitude": 46.0,
        "longitude": 5.0,
        "area_m2": 120_000,
        "commune_code": "01004",
        "epci_siren": "200000002",
        "departement_code": "01",
        "region_code": "84",
        "territories": {"2023-2027": "ti-8401"},
        "label_state": state,
    }
    return Site.objects.create(identifier=identifier, **{**values, **fields})


@pytest.fixture
def bdt(mini_world):
    person = saved_person(Role.OPERATOR)
    person.organisation = OrganisationFactory(
        kind=OrganisationKind.OPERATOR, operator="bdt", name="Banque des Territoires"
    )
    person.save()
    return person


@pytest.fixture
def data_mirror(settings, tmp_path):
    """The shared data folder as the mirror of the sources: the CNIG schemas the SITE-ECO import validates against."""
    from .files import SHARED_DATA

    settings.DATA_MIRROR_DIR = str(SHARED_DATA)
    settings.DATA_CACHE_DIR = tmp_path / "cache"
