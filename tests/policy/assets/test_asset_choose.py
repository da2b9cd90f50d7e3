"""The chooser's reply parser and the wants it makes (tolerant of model habits, strict about names)."""

from __future__ import annotations

from worldsmith.policy.assets.choose import (
    MAX_ITEMS,
    MAX_PER_ENTRY,
    Want,
    parse_choice,
    resolve_small,
    wants_from_choice,
)


def test_json_in_a_fence_or_bare_or_wrapped():
    fenced = 'Sure!\n```json\n[{"category": "plate", "count": 2}, {"name": "mug", "n": 1, "on": "plate"}]\n```'
    assert parse_choice(fenced) == [{"category": "plate", "count": 2}, {"category": "mug", "count": 1, "on": "plate"}]
    assert parse_choice('I pick [{"object": "book", "quantity": "6", "shelf": 2}] for it.') == \
        [{"category": "book", "count": "6", "surface": 2}]
    assert parse_choice('{"items": [{"item": "vase"}]}') == [{"category": "vase", "count": 1}]
    assert parse_choice('{"mug": 2, "candle": 1}') == [{"category": "mug", "count": 2}, {"category": "candle", "count": 1}]
    assert parse_choice('["2 mugs", "vase", "candle x3", "book: 4"]') == [
        {"category": "mugs", "count": 2}, {"category": "vase", "count": 1}, {"category": "candle", "count": 3},
        {"category": "book", "count": 4}]


def test_prose_lists_without_json():
    text = "On the table:\n- 2 plates\n- mug x3\n- a candle, vase"
    assert parse_choice(text) == [{"category": "On the table:", "count": 1}, {"category": "plates", "count": 2},
                                  {"category": "mug", "count": 3}, {"category": "a candle", "count": 1},
                                  {"category": "vase", "count": 1}]


def test_names_resolve_through_synonyms_and_plurals_and_the_rest_is_reported():
    assert resolve_small("Mugs") == ("mug", "")
    assert resolve_small("glasses") == ("glass", "")
    assert resolve_small("dining table") == (None, "dining_table is furniture, not a small object")
    assert resolve_small("a candle") == (None, "unknown category 'a candle'")
    entries = parse_choice("On the table:\n- 2 plates\n- mug x3")
    wants, skipped = wants_from_choice(entries, [0])
    assert [w.category for w in wants] == ["plate", "plate", "mug", "mug", "mug"]
    assert skipped == [{"category": "On the table:", "reason": "unknown category 'On the table:'"}]


def test_counts_surfaces_and_limits():
    wants, skipped = wants_from_choice([
        {"category": "book", "count": 3, "surface": 2}, {"category": "vase", "count": 1, "surface": 9},
        {"category": "candle", "count": 1.5}, {"category": "mug", "count": -1}, {"category": "jar", "count": 0}],
        [0, 1, 2])
    assert [(w.category, w.surface) for w in wants] == [("book", 2)] * 3 + [("vase", None)]
    assert skipped == [{"category": "candle", "reason": "count must be a whole number, got 1.5"},
                       {"category": "mug", "reason": "count must be a whole number, got -1"}]
    wants, skipped = wants_from_choice([{"category": "book", "count": 40}, {"category": "vase", "count": 20},
                                        {"category": "candle", "count": 2}], [0])
    assert len(wants) == MAX_ITEMS == 2 * MAX_PER_ENTRY
    assert [w.category for w in wants] == ["book"] * MAX_PER_ENTRY + ["vase"] * MAX_PER_ENTRY
    assert skipped == [{"category": "book", "reason": f"28 more than {MAX_PER_ENTRY} per entry"},
                       {"category": "vase", "reason": f"8 more than {MAX_PER_ENTRY} per entry"},
                       {"category": "candle", "reason": f"2 over the limit of {MAX_ITEMS} items"}]


def test_stacked_entries_spread_round_robin_over_their_bases():
    wants, skipped = wants_from_choice([{"category": "plate", "count": 2}, {"category": "cup", "count": 3, "on": "plates"}],
                                       [0])
    assert skipped == []
    assert [(w.category, [s.category for s in w.stack]) for w in wants] == [("plate", ["cup", "cup"]), ("plate", ["cup"])]
    assert all(isinstance(s, Want) and s.surface is None for w in wants for s in w.stack)
