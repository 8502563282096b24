import io

from django.core.cache import cache
from django.core.management import call_command

from pilote.targeting import maps


def test_epci_contours_are_derived_once_then_read_from_the_cache(mini_world, monkeypatch):
    out = io.StringIO()
    call_command("derive_epci_contours", stdout=out)
    assert out.getvalue().strip() == "contours des EPCI du COG 2026 : 3 sur 3 en cache"
    monkeypatch.setattr(maps, "derive_epci_shapes", lambda edition: {})  # would the cache be missed: nothing drawn
    shapes = maps.epci_shapes(2026)
    assert set(shapes) == {"200000001", "200000002", "200000003"}
    assert shapes["200000003"].startswith('{"type":"')
    cache.clear()
    assert maps.epci_shapes(2026) == {}  # a cleared cache derives them again
