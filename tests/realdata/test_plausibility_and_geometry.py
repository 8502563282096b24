"""Issue 8 on the real files: the end-2022 polygons of Grand-Orly Seine Bièvre carry the homonyms of two of its
communes (Fresnes 41094 and 89183 — and Fresnes 21287, Morangis 51384, whose contours went to their own
territories); the derivation leaves them out. And every contour the platform publishes is valid and RFC 7946."""

import orjson
import pytest

from pilote.territories.comparison import compare_phases
from pilote.territories.models import PerimeterVersion, Phase, Resolution, Territory

from ..geometry import collection_problems, problems

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]


def _grand_orly_end_2022() -> PerimeterVersion:
    territory = Territory.objects.get(phase__slug="2018-2022", code="ti-1104")
    return territory.versions.get(source="ti-phase1-2022-perimetres")


def test_grand_orly_no_longer_gets_the_far_homonyms_of_fresnes():
    version = _grand_orly_end_2022()
    codes = set(version.members.values_list("code", flat=True))

    assert not codes & {"41094", "89183", "21287", "51384"}
    assert "94034" in codes  # the real Fresnes (Val-de-Marne) stays; 94033 is Fontenay-sous-Bois, never a member
    assert len(codes) == 24
    assert "Écartées par le contrôle de plausibilité : 41094, 89183" in version.notes
    assert [w.split(" : commune ")[1].split(" ")[0] for w in version.warnings] == ["41094", "89183"]
    assert all(w.endswith("homonyme de la commune 94034") for w in version.warnings)


def test_no_other_territory_of_the_real_files_is_flagged():
    flagged = PerimeterVersion.objects.exclude(warnings=[]).values_list("territory__code", "source")
    assert list(flagged) == [("ti-1104", "ti-phase1-2022-perimetres")]


def test_the_evolution_no_longer_says_sologne_covers_grand_orly():
    phases = {p.slug: p for p in Phase.objects.all()}
    comparison = compare_phases(old=phases["2018-2022"], new=phases["2023-2027"], edition=2026)

    grand_orly = next(e for e in comparison.old_territories if e.code == "ti-1104")
    assert [(o.code, o.communes) for o in grand_orly.overlaps] == [("ti-1105", 24)]


def test_the_territory_page_shows_the_data_warning(client):
    page = client.get("/territoires/2018-2022/ti-1104/").content.decode()

    assert 'id="data-warnings"' in page and "homonyme de la commune 94034" in page


@pytest.mark.parametrize("phase", ["2018-2022", "2023-2027"])
def test_the_national_maps_are_publishable(client, phase):
    for url in (f"/api/phases/{phase}/territories.geojson", f"/carte/{phase}.geojson"):
        collection = orjson.loads(client.get(url).content)
        assert len(collection["features"]) == {"2018-2022": 149, "2023-2027": 183}[phase]
        assert collection_problems(collection) == {}


def test_every_stored_contour_is_publishable():
    rows = Resolution.objects.filter(edition_id=2026).values_list("pk", "geometry", "geometry_light")
    bad = {pk: problems(detail) + problems(light) for pk, detail, light in rows}
    assert {pk: reasons for pk, reasons in bad.items() if reasons} == {}
    assert len(bad) == PerimeterVersion.objects.count()
