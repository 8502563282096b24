"""The one history vocabulary: each event read by the app that recorded it, codes named in one call per kind."""

from types import SimpleNamespace

from pilote.core.history import Vocabularies, Vocabulary, codes


def _event(action, **changes):
    return SimpleNamespace(action=action, changes=changes)


def test_each_event_is_read_by_the_vocabulary_of_its_action():
    plans = Vocabulary(
        actions={"fiche.update": "Fiche"}, labels={"status": "Statut"}, choices={"status": {"x": "Fiche X"}}
    )
    budget = Vocabulary(
        actions={"budget.x": "Budget"}, labels={"status": "État"}, choices={"status": {"x": "Budget X"}}
    )
    rows = Vocabularies((plans, budget)).history(
        [_event("fiche.update", status=[None, "x"]), _event("budget.x", status=[None, "x"])]
    )
    assert [(action, changes[0].label, changes[0].after) for _, action, changes in rows] == [
        ("Fiche", "Statut", "Fiche X"),
        ("Budget", "État", "Budget X"),
    ]


def test_codes_are_named_in_one_call_whatever_the_number_of_rows():
    calls = []

    def namer(found):
        calls.append(set(found))
        return {code: f"Nom {code}" for code in found}

    vocabulary = Vocabulary(actions={"a.b": "Action"}, labels={}, names={"add": namer, "remove": namer})
    events = [_event("a.b", add=[None, ["1", "2"]], remove=["['3']", "[]"]) for _ in range(30)]
    rows = vocabulary.history(events)
    assert calls == [{"1", "2", "3"}]
    assert [(c.before, c.after) for c in rows[0][2]] == [("–", "Nom 1 ; Nom 2"), ("Nom 3", "–")]


def test_codes_of_stored_values():
    assert codes("['39001', '01004']") == ["39001", "01004"]
    assert codes("200000002") == ["200000002"] and codes(None) == [] and codes("[pas une liste") == ["[pas une liste"]
