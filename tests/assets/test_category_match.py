"""Text -> category with labelled proxies: names, synonyms, similar categories, proxies, lamp context."""

from __future__ import annotations

import numpy as np
import pytest

from worldsmith.assets import catalog
from worldsmith.assets.category_match import (SIMILAR_THRESHOLD, CategoryMatch, describe, match_category,
                                              proxy_name)
from worldsmith.assets.retrieval import procedural_retriever


class Boom:
    """A retriever that must not be used (names and synonyms need no model)."""

    def query(self, *a, **k):
        raise AssertionError("the model was consulted for a name or synonym")


# ---------------------------------------------------------------------------------------------
# names and synonyms


@pytest.mark.parametrize("text, category, kind", [
    ("sofa", "sofa", "exact"), ("Sofas", "sofa", "exact"), ("oak bar stools", "bar_stool", "exact"), ("coffee_table", "coffee_table", "exact"),
    ("TV", "tv", "exact"), ("couch", "sofa", "synonym"), ("fridge", "refrigerator", "synonym"),
    ("a comfy couch", "sofa", "synonym"), ("flat screen", "tv", "synonym"), ("two red leather armchairs", "armchair", "exact"),
    ("the big bookcases", "bookshelf", "synonym"), ("Kitchen-Chairs", "dining_chair", "synonym"),
    ("wood stove", "fireplace", "synonym"), ("glass display case", "display_shelf", "synonym"), ("a modern stove", "stove", "exact"), ("ceiling light", "ceiling_light", "exact"),
])
def test_names_and_synonyms_need_no_model(text, category, kind):
    m = match_category(text, retriever=Boom())
    assert (m.category, m.kind, m.score, m.note) == (category, kind, 1.0, "")
    info = catalog.get(category)
    assert m.size == info.size_typical and m.support == info.support
    assert m.query == text and not m.substituted


def test_a_named_category_with_another_support_is_kept_with_a_note():
    m = match_category("tv", support="floor", retriever=Boom())
    assert m.category == "tv" and m.kind == "exact" and "wall" in m.note


# ---------------------------------------------------------------------------------------------
# similar categories

SIMILAR = [
    ("king size bed", "bed"), ("espresso maker", "coffee_machine"), ("an easel for the artist", "easel"),
    ("a chair that rocks back and forth", "rocking_chair"), ("appliance that keeps food cold", "refrigerator"),
    ("machine that cleans the dishes", "dishwasher"), ("a low table in front of the sofa", "coffee_table"),
    ("two beds stacked on top of each other", "bunk_bed"),
    ("tub for taking a bath", "bathtub"), ("rack that holds wine bottles", "wine_rack"),
    ("stand for a painter's canvas", "easel"), ("framed family photo", "picture_frame"),
    ("hooks on the wall for coats", "coat_hook"), ("bucket of paint", "paint_can"),
    ("swivel desk chair", "office_chair"), ("grandfather clock", "clock"), ("persian rug", "rug"),
    ("clawfoot tub", "bathtub"), ("tall lamp that stands on the floor", "floor_lamp"),
]


@pytest.mark.parametrize("text, category", SIMILAR)
def test_descriptions_map_to_the_similar_category(text, category):
    m = match_category(text)
    assert m.category == category, (m.kind, m.note)
    assert m.kind == "similar" and m.substituted and not m.is_proxy
    assert text in m.note and category in m.note
    assert m.size == catalog.get(category).size_typical and m.support == catalog.get(category).support
    assert category not in m.alternatives


@pytest.mark.parametrize("text, category", [
    ("moroccan pouf", "stool"), ("tibetan singing bowl", "bowl"), ("kimono painting", "painting"),
])
def test_head_noun_fallback_when_similarity_is_low(text, category):
    # the model finds nothing close enough, but the last word is a catalog name or synonym
    m = match_category(text)
    assert m.score < SIMILAR_THRESHOLD
    assert (m.category, m.kind) == (category, "similar") and "head noun" in m.note
    # the score is the text's similarity to that category (not a placeholder)
    r = procedural_retriever()
    sims = r.similarities(text)
    assert m.score == pytest.approx(float(sims[[c.category for c in r.candidates].index(category)]), abs=1e-6)
    assert m.score > 0.2


def test_no_catalog_head_noun_means_a_proxy():
    assert match_category("grand harp").kind == "proxy"  # below the threshold, "harp" is not a catalog word
    assert match_category("steamer trunk").kind == "proxy"


# ---------------------------------------------------------------------------------------------
# proxies

UNRELATED = ["harp", "spaceship", "elephant", "kayak", "canoe", "giraffe", "volcano", "submarine", "tractor",
             "microscope", "hammock", "anvil", "lectern", "menorah", "trampoline", "space heater", "safe", "robot"]


@pytest.mark.parametrize("text", UNRELATED)
def test_unrelated_things_become_labelled_proxies(text):
    m = match_category(text)
    assert m.kind == "proxy" and m.is_proxy and m.substituted
    assert m.category == text.replace(" ", "_") and m.category not in catalog.names()
    assert m.score < SIMILAR_THRESHOLD
    assert text in m.note and "proxy" in m.note
    assert len(m.alternatives) == 3 and all(a in m.note for a in m.alternatives)
    # a plausible size: the median of similar categories of the chosen support
    infos = [catalog.get(a) for a in m.alternatives]
    assert m.support in catalog.SUPPORT_TYPES
    same = [i for i in infos if i.support == m.support] or infos
    assert m.size == pytest.approx(tuple(np.median([i.size_typical for i in same], axis=0)), abs=1e-3)
    lo = np.min([catalog.get(n).size_min for n in catalog.names()], axis=0)
    hi = np.max([catalog.get(n).size_max for n in catalog.names()], axis=0)
    assert np.all(np.asarray(m.size) > 0) and np.all(np.asarray(m.size) >= lo - 1e-9)
    assert np.all(np.asarray(m.size) <= hi + 1e-9)


def test_proxy_support_is_the_majority_or_floor():
    m = match_category("safe")  # three neighbours of three different supports
    assert m.support == "floor"


def test_proxy_label_and_requested_support():
    m = match_category("A golden Harp", support="wall")
    assert m.category == "harp" and m.support == "wall" and m.kind == "proxy"
    assert all(catalog.get(a).support == "wall" for a in m.alternatives)
    assert proxy_name("two antique Grandfather Clocks") == "grandfather_clock"
    assert proxy_name("christmas tree") == "christmas_tree"


def test_similar_matches_respect_the_support():
    m = match_category("appliance that keeps food cold", support="floor")
    assert m.category == "refrigerator"
    m = match_category("something to write on", support="wall")
    assert m.support == "wall"


def test_threshold_calibration():
    """Every description in SIMILAR scores above the threshold; every unrelated thing below."""
    r = procedural_retriever()
    near = [r.best(t).similarity for t, c in SIMILAR if catalog.resolve(t.split()[-1]) is None]
    far = [r.best(t).similarity for t in UNRELATED]
    assert min(near) >= SIMILAR_THRESHOLD > max(far), (min(near), max(far))


def test_nothing_is_dropped():
    for text in ["sofa", "harp", "espresso maker", "lamp", "xyzzy"]:
        m = match_category(text)
        assert isinstance(m, CategoryMatch) and m.category and m.kind in ("exact", "synonym", "similar", "proxy")
        assert len(m.size) == 3 and all(v > 0 for v in m.size)


def test_bad_input():
    with pytest.raises(ValueError):
        match_category("   ")
    with pytest.raises(ValueError, match="support"):
        match_category("sofa", support="roof")


def test_describe_lists_substitutions():
    assert describe(match_category("couch")) == "couch -> sofa"
    line = describe(match_category("harp"))
    assert line.startswith("harp -> proxy harp:") and "guessed from" in line


# ---------------------------------------------------------------------------------------------
# lamp and light by context


@pytest.mark.parametrize("text, context, support, category", [
    ("lamp", None, None, "floor_lamp"),
    ("lamp", "on the desk", None, "table_lamp"),
    ("a lamp on the nightstand", None, None, "table_lamp"),
    ("lamp", "a bedroom with a bed and a lamp on top of the dresser", None, "table_lamp"),
    ("lamp", None, "object", "table_lamp"),
    ("lamp", None, "object:desk_0", "table_lamp"),
    ("lamp", "on the desk", "floor", "floor_lamp"),
    ("lamp", "standing in the corner", None, "floor_lamp"),
    ("lamp", "next to the sofa", None, "floor_lamp"),
    ("lamp", "on the floor next to the sofa", None, "floor_lamp"),
    ("lamps", "on the side tables", None, "table_lamp"),
    ("small lamp", None, None, "table_lamp"),
    ("tall lamp", None, None, "floor_lamp"),
    ("lamp", "hanging over the dining table", None, "pendant_light"),
    ("lamp", None, "ceiling", "pendant_light"),
    ("light", None, None, "ceiling_light"),
    ("a light", "on the desk", None, "table_lamp"),
    ("desk lamp", "next to the sofa", None, "table_lamp"),  # named exactly: context does not override
    ("standing lamp", "on the desk", None, "floor_lamp"),
    ("hanging lamp", None, None, "pendant_light"),
])
def test_lamp_by_context(text, context, support, category):
    m = match_category(text, context=context, support=support)
    assert m.category == category, m.note
    assert m.kind in ("exact", "synonym")


def test_ambiguous_word_says_so():
    m = match_category("lamp", context="on the desk")
    assert "ambiguous" in m.note and "table_lamp" in m.note
