import pytest

from pilote.geography.projection import UnknownEdition, project


def test_a_merged_commune_projects_onto_its_commune_nouvelle(geography):
    result = project(source=2023, target=2026, communes=["01003", "39002"])

    assert result.communes == {"01002", "39002"}
    assert result.unmapped_communes == []


def test_a_commune_nouvelle_projects_back_onto_the_communes_it_absorbed(geography):
    result = project(source=2026, target=2023, communes=["01002"])

    assert result.communes == {"01002", "01003"}


def test_an_epci_projects_through_its_members_and_reports_coverage(geography):
    result = project(source=2023, target=2026, epcis=["200000001", "200000003"], communes=["01004"])

    assert result.communes == {"01001", "01002", "01004", "39002"}
    assert result.full_epcis == ["200000001", "200000003"]
    [partial] = result.partial_epcis
    assert (partial.siren, partial.covered, partial.total) == ("200000002", 1, 2)


def test_unknown_codes_are_reported_not_dropped_silently(geography):
    result = project(source=2023, target=2026, communes=["01001", "75056"], epcis=["123456789"])

    assert result.communes == {"01001"}
    assert result.unmapped_communes == ["75056"]
    assert result.unknown_epcis == ["123456789"]


def test_a_delegated_commune_code_counts_as_its_parent(geography):
    result = project(source=2026, target=2026, communes=["01003"])

    assert result.communes == {"01002"}


def test_an_edition_not_imported_is_an_error(geography):
    with pytest.raises(UnknownEdition):
        project(source=2019, target=2026, communes=["01001"])
