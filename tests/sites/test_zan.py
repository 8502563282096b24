"""The ZAN account: a site's NAF impact, the account of a set of sites, a territory's trajectory."""

import re

import pytest
from django.urls import reverse

from pilote.sites.enums import LabelState, SiteKind, SiteOrigin
from pilote.sites.models import NafConsumption, Site, SiteImport
from pilote.sites.zan import account, area_communes, naf_impact, territory_trajectory, trajectory
from pilote.territories.models import Territory


def site(identifier="s1", kind=SiteKind.ZONE_PLOT, area=20_000, artificialised=False, region="84", **fields):
    return Site(identifier=identifier, name=identifier, kind=kind, origin=SiteOrigin.PROPOSAL, latitude=46,
                longitude=5, area_m2=area, is_artificialised=artificialised, region_code=region, **fields)  # fmt: skip


def test_a_brownfield_or_artificialised_land_consumes_no_naf_a_greenfield_its_area():
    assert naf_impact(site(kind=SiteKind.BROWNFIELD, artificialised=None)).naf_m2 == 0
    assert naf_impact(site(artificialised=True)).naf_m2 == 0
    green = naf_impact(site(area=35_000))
    assert (green.naf_m2, green.naf_ha, green.is_uncertain) == (35_000, 3.5, False)


def test_unknown_artificialisation_counts_the_area_and_says_it_is_uncertain():
    impact = naf_impact(site(artificialised=None, area=10_000))
    assert impact.naf_m2 == 10_000 and impact.is_uncertain
    assert naf_impact(site(area=None)).is_uncertain


def test_account_of_a_selection_per_region_and_territory():
    sites = [
        site("a", area=10_000, territories={"phase-2": "ti-8401"}),
        site("b", area=30_000, region="27", territories={"phase-2": "ti-2701"}),
        site("c", kind=SiteKind.BROWNFIELD, area=50_000, territories={"phase-2": "ti-8401"}),
        site("d", area=5_000, artificialised=None),
    ]
    result = account(sites, phase_slug="phase-2")
    assert (result.sites, result.naf_m2, result.naf_ha, result.uncertain) == (4, 45_000, 4.5, 1)
    assert dict(result.by_region) == {"84": 15_000, "27": 30_000}
    assert dict(result.by_territory) == {"ti-8401": 10_000, "ti-2701": 30_000}


def _flows(code, year, total, activity):
    source = SiteImport.objects.get_or_create(source="cerema_naf", sha256="x", defaults={"file_name": "f"})[0]
    NafConsumption.objects.create(commune_code=code, year=year, total_m2=total, activity_m2=activity, source=source)


def test_trajectory_reference_target_since_and_sites(db):
    for year in range(2009, 2023):  # 2009, 2010 are before the reference: not counted
        _flows("01001", year, 10_000, 4_000)
    _flows("99999", 2015, 1_000_000, 0)  # another commune
    result = trajectory(["01001"], [site(area=20_000)])
    assert result.reference_ha == pytest.approx(10.0)  # ten flows 2011…2020
    assert result.activity_share == pytest.approx(0.4)
    assert result.target_ha == pytest.approx(5.0)
    assert (result.since_ha, result.last_year) == (pytest.approx(2.0), 2022)
    assert result.sites_ha == 2.0 and result.remaining_ha == pytest.approx(1.0) and not result.is_over


def test_trajectory_without_data_says_so(db):
    result = trajectory(["01001"])
    assert not result.has_data and result.activity_share is None and result.last_year is None


def test_territory_trajectory_reads_its_resolved_communes_and_its_proposed_sites(mini_world):
    territory = Territory.objects.get(phase__slug="2018-2022", code="ti-8401")
    for code in ("01001", "01002", "39002"):
        _flows(code, 2012, 20_000, 0)
    mine = {"2018-2022": "ti-8401"}
    site("in", area=40_000, territories=mine, label_state=LabelState.PROPOSED).save()
    site("pool", area=90_000, territories=mine).save()  # still in the pool: not a choice yet
    result = territory_trajectory(territory)
    assert result.reference_ha == pytest.approx(4.0)  # 01001 + 01002; 39002 is in ti-2701
    assert result.sites_ha == pytest.approx(4.0)
    assert result.is_over


def test_territory_page_shows_its_zan_trajectory_in_hectares(client, mini_world):
    url = reverse("territories:detail", args=["2018-2022", "ti-8401"])
    assert 'id="zan-none"' in client.get(url).content.decode()
    for year, total in ((2011, 300_000), (2015, 100_000), (2021, 120_000)):
        _flows("01001", year, total, total / 4)
    site("mine", area=50_000, territories={"2018-2022": "ti-8401"}, label_state=LabelState.LABELLED).save()
    page = client.get(url).content.decode()
    assert re.search(
        r'id="zan-reference">40,0 ha</p>\s*<p class="ti-figure-label">\s*consommés en 2011–2021, dont 25 %', page
    )
    assert 'id="zan-target">20,0 ha' in page and 'id="zan-since">12,0 ha' in page
    assert 'id="zan-sites">5,0 ha' in page and "Reste 3,0 ha sur l'objectif 2021–2031" in page


def test_demo_seed_gives_territories_flows_once(mini_world):
    from pilote.sites.demo import szan

    szan(log=lambda line: None)
    rows = NafConsumption.objects.count()
    assert rows and NafConsumption.objects.filter(commune_code="01001", year=2022).exists()
    szan(log=lambda line: None)
    assert NafConsumption.objects.count() == rows


def test_region_and_nation_trajectories_read_the_communes_of_the_edition(mini_world):
    _flows("01001", 2012, 30_000, 0)
    _flows("39002", 2012, 50_000, 0)
    sites = [site("a", area=10_000)]
    assert trajectory(area_communes("84"), sites).reference_ha == pytest.approx(3.0)
    assert trajectory(area_communes("27")).reference_ha == pytest.approx(5.0)
    national = trajectory(area_communes(), sites)
    assert national.reference_ha == pytest.approx(8.0) and national.sites_ha == pytest.approx(1.0)


def test_every_labelling_state_is_either_a_choice_counted_in_the_account_or_not():
    from pilote.sites.enums import LabelState
    from pilote.sites.zan import CHOICES

    assert set(LabelState) - set(CHOICES) == {LabelState.POOL, LabelState.REFUSED}
