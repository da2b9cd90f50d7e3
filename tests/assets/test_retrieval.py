"""Text retrieval of assets: accuracy on 200 written queries, filters, the embedding cache.

The model-backed tests use the bundled MiniLM model (offline) and the user's embedding cache
(``$WORLDSMITH_CACHE_DIR`` or ``~/.cache/worldsmith``), as the application does; cache behaviour
itself is tested with a counting fake encoder in temporary folders.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass

import numpy as np
import pytest

from worldsmith.assets import catalog
from worldsmith.assets import retrieval as R
from worldsmith.assets.candidates import Candidate

# (query, expected category or every acceptable one). Written by hand: catalog synonyms, the
# examples of the issue, and descriptions/paraphrases that name no catalog phrase.
QUERIES: list[tuple[str, str | tuple[str, ...]]] = [
    # beds and bedroom storage
    ("king size bed", "bed"),
    ("a double bed for two", "bed"),
    ("queen-size bed", "bed"),
    ("bunk beds for the kids", "bunk_bed"),
    ("two beds stacked on top of each other", "bunk_bed"),
    ("baby cot", "crib"),
    ("a crib for the newborn", "crib"),
    ("bedside table", "nightstand"),
    ("a small table beside the bed", "nightstand"),
    ("a tall closet for hanging clothes", "wardrobe"),
    ("armoire", "wardrobe"),
    ("chest of drawers", "dresser"),
    ("a dresser with six drawers", "dresser"),
    # seating
    ("a comfy couch", "sofa"),
    ("three-seater sofa", "sofa"),
    ("L-shaped sectional couch", "sofa"),
    ("leather settee", "sofa"),
    ("a cozy armchair", "armchair"),
    ("reading chair", "armchair"),
    ("wingback chair", "armchair"),
    ("rocking chair", "rocking_chair"),
    ("a chair that rocks back and forth", "rocking_chair"),
    ("a plain chair", "chair"),
    ("side chair", "chair"),
    ("dining room chair", "dining_chair"),
    ("kitchen chairs", "dining_chair"),
    ("ergonomic office chair", "office_chair"),
    ("swivel desk chair", "office_chair"),
    ("gaming chair", "office_chair"),
    ("bar chair", "bar_stool"),
    ("tall stool for the kitchen counter", "bar_stool"),
    ("counter-height stool", "bar_stool"),
    ("footstool", "stool"),
    ("a small stool", "stool"),
    ("ottoman", "stool"),
    ("entryway bench", "bench"),
    ("a long wooden bench", "bench"),
    ("bean bag", "floor_cushion"),
    ("meditation cushion", "floor_cushion"),
    # tables and counters
    ("a low table in front of the sofa", "coffee_table"),
    ("coffee table", "coffee_table"),
    ("end table", "side_table"),
    ("a small side table", "side_table"),
    ("kitchen table", "dining_table"),
    ("dining table for six people", "dining_table"),
    ("bistro table", "cafe_table"),
    ("small round cafe table", "cafe_table"),
    ("writing desk", "desk"),
    ("computer desk", "desk"),
    ("a desk to work at", "desk"),
    ("meeting room table", "conference_table"),
    ("boardroom table", "conference_table"),
    ("workshop bench for tools", "workbench"),
    ("a sturdy workbench", "workbench"),
    ("kitchen island", "kitchen_island"),
    ("island counter with stools", "kitchen_island"),
    ("kitchen countertop", "kitchen_counter"),
    ("base cabinets along the kitchen wall", "kitchen_counter"),
    ("home bar", "bar_counter"),
    ("drinks counter", "bar_counter"),
    ("reception desk", "checkout_counter"),
    ("shop checkout counter", "checkout_counter"),
    ("TV stand", "tv_stand"),
    ("media console", "tv_stand"),
    ("entertainment center", "tv_stand"),
    ("table", "table"),
    ("a table", "table"),
    # storage and shelving
    ("bookcase", "bookshelf"),
    ("shelves full of books", "bookshelf"),
    ("a tall bookshelf", "bookshelf"),
    ("glass display case", "display_shelf"),
    ("store shelving", "display_shelf"),
    ("cupboard", "cabinet"),
    ("sideboard", "cabinet"),
    ("filing cabinet", "cabinet"),
    ("baby changing table", "changing_table"),
    ("diaper changing station", "changing_table"),
    ("toy box", "toy_chest"),
    ("a chest for storing toys", "toy_chest"),
    ("wine rack", "wine_rack"),
    ("rack for wine bottles", "wine_rack"),
    ("clothes rack", "clothing_rack"),
    ("garment rail", "clothing_rack"),
    # kitchen and bathroom appliances
    ("fridge", "refrigerator"),
    ("fridge freezer", "refrigerator"),
    ("a big double-door fridge", "refrigerator"),
    ("oven", "stove"),
    ("gas stove", "stove"),
    ("cooker", "stove"),
    ("kitchen range", "stove"),
    ("dish washing machine", "dishwasher"),
    ("washer for laundry", "washing_machine"),
    ("tumble dryer", "dryer"),
    ("clothes dryer", "dryer"),
    ("bathroom sink", "sink"),
    ("wash basin", "sink"),
    ("kitchen sink", "sink"),
    ("loo", "toilet"),
    ("WC", "toilet"),
    ("clawfoot tub", "bathtub"),
    ("walk-in shower", "shower"),
    ("shower stall", "shower"),
    # hobbies, gym, shop
    ("grand piano", "piano"),
    ("upright piano", "piano"),
    ("billiard table", "pool_table"),
    ("arcade cabinet", "arcade_machine"),
    ("retro arcade game", "arcade_machine"),
    ("running machine", "treadmill"),
    ("weight bench", "weight_bench"),
    ("bench press", "weight_bench"),
    ("dumbbell rack", "dumbbell_rack"),
    ("rack for dumbbells", "dumbbell_rack"),
    ("yoga mat", "yoga_mat"),
    ("exercise mat", "yoga_mat"),
    ("painting easel", "easel"),
    ("an easel for the artist", "easel"),
    ("dress form", "mannequin"),
    ("display mannequin", "mannequin"),
    ("dog bed", "pet_bed"),
    ("a bed for the cat", "pet_bed"),
    ("bike", "bicycle"),
    ("road bicycle", "bicycle"),
    # lighting, plants, floor things
    ("standing lamp", "floor_lamp"),
    ("torchiere", "floor_lamp"),
    ("potted plant", "potted_plant"),
    ("houseplant", "potted_plant"),
    ("fiddle leaf fig", "potted_plant"),
    ("a large plant in a pot", "potted_plant"),
    ("area rug", "rug"),
    ("carpet", "rug"),
    ("persian rug", "rug"),
    ("trash can", "trash_can"),
    ("wastebasket", "trash_can"),
    ("garbage bin", "trash_can"),
    ("coat stand", "coat_rack"),
    ("somewhere to hang coats", ("coat_rack", "coat_hook")),
    ("hat rack", "coat_rack"),
    ("mantelpiece", "fireplace"),
    # wall things
    ("oil painting", "painting"),
    ("framed artwork", "painting"),
    ("landscape painting", "painting"),
    ("movie poster", "poster"),
    ("wall mirror", "mirror"),
    ("full-length mirror", "mirror"),
    ("floating shelf", "wall_shelf"),
    ("wall-mounted shelf", "wall_shelf"),
    ("TV", "tv"),
    ("flat screen", "tv"),
    ("television", "tv"),
    ("smart TV", "tv"),
    ("wall clock", "clock"),
    ("chalkboard", "whiteboard"),
    ("medicine cabinet", "wall_cabinet"),
    ("upper kitchen cabinets", "wall_cabinet"),
    ("neon sign", "neon_sign"),
    ("glowing neon light", "neon_sign"),
    ("curtains", "curtain"),
    ("drapes", "curtain"),
    ("coat hooks", "coat_hook"),
    ("hooks on the wall for coats", "coat_hook"),
    # ceiling things
    ("ceiling light", "ceiling_light"),
    ("overhead light", "ceiling_light"),
    ("pendant lamp", "pendant_light"),
    ("hanging lamp", "pendant_light"),
    ("crystal chandelier", "chandelier"),
    ("ceiling fan", "ceiling_fan"),
    # small objects
    ("books", "book"),
    ("a novel", "book"),
    ("newspaper", "magazine"),
    ("vase of flowers", "vase"),
    ("coffee mug", "mug"),
    ("teacup", "cup"),
    ("wine glass", "glass"),
    ("dinner plate", "plate"),
    ("fruit bowl", "bowl"),
    ("water bottle", "bottle"),
    ("bottle of red wine", "wine_bottle"),
    ("mason jar", "jar"),
    ("notebook computer", "laptop"),
    ("computer monitor", "monitor"),
    ("computer keyboard", "keyboard"),
    ("desk lamp", "table_lamp"),
    ("bedside lamp", "table_lamp"),
    ("throw pillow", "pillow"),
    ("scented candle", "candle"),
    ("succulent", "small_plant"),
    ("cactus", "small_plant"),
    ("photo frame", "picture_frame"),
    ("cash register", "cash_register"),
    ("espresso maker", "coffee_machine"),
    ("coffee maker", "coffee_machine"),
    ("bath towel", "towel"),
    ("cardboard box", "box"),
    ("teddy bear", "toy"),
    ("acoustic guitar", "guitar"),
    ("dumbbells", "dumbbell"),
    ("can of paint", "paint_can"),
    ("pair of sneakers", "shoe"),
    ("stack of folded shirts", "folded_clothes"),
    ("bluetooth speaker", "speaker"),
]

# Paraphrases only (no query is a catalog name or synonym): a harder, second set.
PARAPHRASES: list[tuple[str, str]] = [
    ('a big comfortable bed for the master bedroom', 'bed'), ('a bed with two levels for siblings', 'bunk_bed'),
    ('a small bed with bars for a baby', 'crib'), ('little cabinet by the bed', 'nightstand'),
    ('tall cabinet to store clothes', 'wardrobe'), ('low chest with drawers for clothes', 'dresser'),
    ('a long upholstered seat for three people', 'sofa'), ('velvet loveseat', 'sofa'),
    ('padded chair with armrests', 'armchair'), ('a chair for the dining table', 'dining_chair'),
    ('rolling chair with wheels for the office', 'office_chair'), ('high stool at the bar', 'bar_stool'),
    ('a little stool to rest your feet', 'stool'), ('a seat for several people without a back', 'bench'),
    ('a big soft cushion to sit on the floor', 'floor_cushion'), ('low living room table', 'coffee_table'),
    ('little table next to the armchair', 'side_table'), ('a table where the family eats dinner', 'dining_table'),
    ('small table at a coffee shop', 'cafe_table'), ('study table with drawers', 'desk'),
    ('large table for office meetings', 'conference_table'), ('carpentry bench', 'workbench'),
    ('freestanding counter in the middle of the kitchen', 'kitchen_island'), ('kitchen worktop with cupboards underneath', 'kitchen_counter'),
    ('a counter where drinks are served', 'bar_counter'), ('counter where customers pay', 'checkout_counter'),
    ('low cabinet for the television', 'tv_stand'), ('shelf for books', 'bookshelf'),
    ('shelves to display products in a shop', 'display_shelf'), ('storage cupboard with doors', 'cabinet'),
    ("table for changing the baby's nappies", 'changing_table'), ("trunk for children's toys", 'toy_chest'),
    ('appliance that keeps food cold', 'refrigerator'), ('range with four burners', 'stove'),
    ('machine that cleans the dishes', 'dishwasher'), ('front-loading washer', 'washing_machine'),
    ('machine for drying laundry', 'dryer'), ('vanity basin', 'sink'),
    ('a flush toilet', 'toilet'), ('tub for taking a bath', 'bathtub'),
    ('glass shower cubicle', 'shower'), ('baby grand', 'piano'),
    ('snooker table', 'pool_table'), ('pinball or arcade game cabinet', 'arcade_machine'),
    ('running treadmill for cardio', 'treadmill'), ('gym bench for lifting', 'weight_bench'),
    ('stand that holds free weights', 'dumbbell_rack'), ('rubber mat for pilates', 'yoga_mat'),
    ("stand for a painter's canvas", 'easel'), ("tailor's dummy", 'mannequin'),
    ('rolling rail for hanging clothes', 'clothing_rack'), ('rack that holds wine bottles', 'wine_rack'),
    ('cushioned bed for a dog', 'pet_bed'), ('mountain bike', 'bicycle'),
    ('tall lamp that stands on the floor', 'floor_lamp'), ('tall indoor plant in a pot', 'potted_plant'),
    ('rug under the coffee table', 'rug'), ('bin for rubbish', 'trash_can'),
    ('free-standing coat tree', 'coat_rack'), ('wood-burning fireplace', 'fireplace'),
    ('a framed canvas on the wall', 'painting'), ('concert poster', 'poster'),
    ('round mirror on the wall', 'mirror'), ('small shelf fixed to the wall', 'wall_shelf'),
    ('large flat-panel television', 'tv'), ('clock that hangs on the wall', 'clock'),
    ('dry-erase board for meetings', 'whiteboard'), ('cupboard mounted on the wall', 'wall_cabinet'),
    ('LED sign with glowing letters', 'neon_sign'), ('window curtains', 'curtain'),
    ('row of hooks for jackets', 'coat_hook'), ('flush mounted ceiling lamp', 'ceiling_light'),
    ('lamp hanging from the ceiling above the table', 'pendant_light'), ('ornate chandelier with crystals', 'chandelier'),
    ('fan mounted to the ceiling', 'ceiling_fan'), ('paperback novel', 'book'),
    ('glossy fashion magazine', 'magazine'), ('ceramic vase', 'vase'),
    ('big mug of tea', 'mug'), ('small cup of espresso', 'cup'),
    ('glass tumbler', 'glass'), ('dinner dish', 'plate'),
    ('salad bowl', 'bowl'), ('plastic bottle', 'bottle'),
    ('bottle of champagne', 'wine_bottle'), ('glass jar with a lid', 'jar'),
    ('portable computer', 'laptop'), ('computer display', 'monitor'),
    ('mechanical keyboard', 'keyboard'), ('small lamp for the desk', 'table_lamp'),
    ('sofa cushion', 'pillow'), ('candlestick', 'candle'),
    ('little potted cactus', 'small_plant'), ('framed family photo', 'picture_frame'),
    ('point of sale terminal', 'cash_register'), ('coffee machine', 'coffee_machine'),
    ('hand towel', 'towel'), ('shipping crate', 'box'),
    ('stuffed animal', 'toy'), ('bass guitar', 'guitar'),
    ('free weights', 'dumbbell'), ('bucket of paint', 'paint_can'),
    ('running shoes', 'shoe'), ('pile of folded sweaters', 'folded_clothes'),
    ('hi-fi loudspeaker', 'speaker'),
]


def _ok(category: str, expected: str | tuple[str, ...]) -> bool:
    return category in ((expected,) if isinstance(expected, str) else expected)


@pytest.fixture(scope="module")
def retriever() -> R.Retriever:
    return R.procedural_retriever().warm()


# ---------------------------------------------------------------------------------------------
# accuracy


def test_query_set_is_200_and_covers_every_category():
    assert len(QUERIES) == 200
    assert len({q for q, _ in QUERIES}) == 200
    covered = {e if isinstance(e, str) else e[0] for _, e in QUERIES}
    assert covered == set(catalog.names())


def test_top1_accuracy_on_200_queries(retriever, capsys):
    misses = [(q, e, retriever.best(q).category) for q, e in QUERIES if not _ok(retriever.best(q).category, e)]
    accuracy = 1 - len(misses) / len(QUERIES)
    with capsys.disabled():
        print(f"\nretrieval top-1 accuracy on {len(QUERIES)} queries: {accuracy:.1%}; misses: {misses}")
    assert accuracy >= 0.95, misses


def test_top1_accuracy_on_paraphrases(retriever, capsys):
    misses = [(q, e, retriever.best(q).category) for q, e in PARAPHRASES if retriever.best(q).category != e]
    accuracy = 1 - len(misses) / len(PARAPHRASES)
    with capsys.disabled():
        print(f"\nretrieval top-1 accuracy on {len(PARAPHRASES)} paraphrases: {accuracy:.1%}; misses: {misses}")
    assert accuracy >= 0.90, misses
    # the right category is at least among the first three nearly always
    top3 = sum(e in [m.category for m in retriever.query(q, k=3)] for q, e in PARAPHRASES) / len(PARAPHRASES)
    assert top3 >= 0.97


@pytest.mark.parametrize("query, expected", [
    ("a comfy couch", "sofa"), ("fridge", "refrigerator"), ("flat screen", "tv"), ("king size bed", "bed"),
    ("TV", "tv"), ("couch", "sofa"), ("espresso maker", "coffee_machine"), ("somewhere to hang coats", "coat_rack|coat_hook"),
])
def test_examples_of_the_issue(retriever, query, expected):
    assert retriever.best(query).category in expected.split("|")


def test_names_and_synonyms_always_win(retriever):
    for name in catalog.names():
        info = catalog.get(name)
        for text in (name, name.replace("_", " ").upper(), *info.synonyms):
            if catalog.resolve(text) != name:  # a synonym the catalog gives to two entries
                continue
            best = retriever.best(text)
            assert best.lexical and best.category == name, (text, best.category)


def test_scores_are_sorted_and_k_is_honoured(retriever):
    res = retriever.query("a place to sit", k=7)
    assert len(res) == 7
    assert [m.score for m in res] == sorted((m.score for m in res), reverse=True)
    assert len(retriever.query("a place to sit", k=None)) == len(retriever.candidates)
    assert retriever.query("   ") == []


# ---------------------------------------------------------------------------------------------
# filters


@pytest.mark.parametrize("support", catalog.SUPPORT_TYPES)
def test_support_filter_keeps_only_that_support(retriever, support):
    res = retriever.query("something for the living room", support=support, k=None)
    assert res and all(m.candidate.support == support for m in res)
    assert len(res) == sum(c.support == support for c in retriever.candidates)


def test_support_filter_changes_the_answer(retriever):
    assert retriever.best("lamp", support="floor").category == "floor_lamp"
    assert retriever.best("lamp", support="object").category == "table_lamp"
    assert retriever.best("lamp", support="ceiling").category in ("pendant_light", "ceiling_light")
    assert retriever.best("shelf for books", support="wall").category == "wall_shelf"
    assert retriever.best("screen", support="wall").category == "tv"
    assert retriever.best("screen", support="object:desk_0").category == "monitor"  # "<kind>:<id>" accepted


def test_support_filter_rejects_unknown_support(retriever):
    with pytest.raises(ValueError, match="support"):
        retriever.query("sofa", support="roof")
    assert [R.support_kind(s) for s in (None, "floor", "wall:wall_2", "object:desk_0#1")] == [
        None, "floor", "wall", "object"]
    with pytest.raises(ValueError, match="roof"):
        R.support_kind("roof:r_0")


def test_size_ratio():
    assert R.size_ratio((2.0, 1.0, 1.0), (2.0, 0.5, 0.5)) == pytest.approx(1.0)
    assert R.size_ratio((0.5, 0.5, 0.5), (2.0, 1.0, 1.0)) == pytest.approx(4.0)
    assert R.size_ratio((None, None, 1.8), (0.6, 0.6, 0.9)) == pytest.approx(2.0)
    assert R.size_ratio((None, None, None), (1, 1, 1)) == 1.0


def test_size_filter_demotes_without_removing(retriever):
    plain = retriever.query("somewhere to sit", k=None)
    sized = retriever.query("somewhere to sit", size=(3.0, 1.0, 0.9), k=None)
    assert len(sized) == len(plain)  # nothing removed
    by_key = {m.candidate.key: m for m in plain}
    for m in sized:
        off = R.size_ratio((3.0, 1.0, 0.9), m.candidate.size) > R.SIZE_RATIO_LIMIT
        assert m.size_ok is (not off)
        expected = by_key[m.candidate.key].score - (R.SIZE_PENALTY if off else 0.0)
        assert m.score == pytest.approx(expected, abs=1e-6)
    # a small seat was the best unsized answer; with a 3 m request a long seat wins
    assert max(plain[0].candidate.size) < 1.2
    assert sized[0].size_ok and max(sized[0].candidate.size) >= 1.2
    assert sized[0].category in ("sofa", "bench", "conference_table")
    demoted = [m for m in sized if not m.size_ok]
    assert plain[0].candidate.key in {m.candidate.key for m in demoted}


def test_size_filter_does_not_override_a_named_category(retriever):
    # "sofa" named exactly still comes first (its lexical boost outweighs the penalty) but says so
    best = retriever.best("sofa", size=(0.3, 0.3, 0.3))
    assert best.category == "sofa" and not best.size_ok


# ---------------------------------------------------------------------------------------------
# one code path for procedural and library candidates


def test_library_candidates_share_the_code_path(retriever, tmp_path):
    lib = [
        Candidate("library:demo/harp_01", "library", "harp", "concert harp; a tall stringed musical instrument played "
                  "by plucking; music, instrument", "floor", (0.9, 0.6, 1.8), library="demo", asset_id="harp_01"),
        Candidate("library:demo/sofa_07", "library", "sofa", "chesterfield sofa; sofa; a tufted leather sofa",
                  "floor", (2.2, 0.95, 0.78), library="demo", asset_id="sofa_07"),
    ]
    cache = R.EmbeddingCache(tmp_path)
    r = R.Retriever(R.procedural_candidates() + lib, cache=cache)
    assert r.best("a golden harp").candidate.key == "library:demo/harp_01"
    top = [m.candidate.key for m in r.query("chesterfield", k=2)]
    assert top[0] == "library:demo/sofa_07"
    # each source is cached as its own set
    names = sorted(p.name.rsplit("-", 1)[0] for p in tmp_path.glob("*.npz"))
    assert names == ["library-demo", "procedural"]


def test_default_retriever(monkeypatch, tmp_path):
    from worldsmith.assets import library

    assert R.default_retriever(include_libraries=False) is R.procedural_retriever()
    monkeypatch.setenv("WORLDSMITH_CONFIG_DIR", str(tmp_path / "config"))  # no library registered
    assert R.default_retriever() is R.procedural_retriever()
    harp = Candidate("library:demo/harp_01", "library", "harp", "concert harp", "floor", (0.9, 0.6, 1.8),
                     library="demo", asset_id="harp_01")
    monkeypatch.setattr(library, "library_candidates", lambda names=None: [harp])
    r = R.default_retriever()
    assert [c.key for c in r.candidates] == [c.key for c in R.procedural_candidates()] + [harp.key]
    assert R.default_retriever(include_libraries=False) is R.procedural_retriever()


def test_procedural_candidates():
    cands = R.procedural_candidates()
    assert [c.category for c in cands] == catalog.names()
    sofa = next(c for c in cands if c.category == "sofa")
    assert sofa.key == "procedural:sofa" and sofa.source == "procedural" and sofa.support == "floor"
    assert sofa.size == catalog.get("sofa").size_typical
    phrases = R.split_phrases(sofa.text)
    assert phrases[0] == "sofa" and "couch" in phrases
    desc = getattr(catalog.get("sofa"), "description", "")
    if desc:
        assert phrases[-1] == desc


def test_category_text_includes_a_description():
    @dataclass
    class Info:
        name: str
        synonyms: tuple
        description: str

    text = R.category_text(Info("coat_rack", ("coat stand",), "a pole with hooks; for coats"))
    assert R.split_phrases(text) == ["coat rack", "coat stand", "a pole with hooks, for coats"]


# ---------------------------------------------------------------------------------------------
# text normalization


@pytest.mark.parametrize("text, core", [
    ("A comfy Couch!", "couch"), ("two red leather armchairs", "armchair"), ("Kitchen_Chairs", "kitchen chair"),
    ("bookshelves", "bookshelf"), ("glasses", "glass"), ("boxes", "box"), ("benches", "bench"),
    ("christmas tree", "christmas tree"), ("a light", "light"), ("the big one", "big"), ("stoves", "stove"),
    ("sofas", "sofa"), ("canvas", "canvas"), ("dresses", "dress"), ("lamp on the nightstand", "lamp on nightstand"),
])
def test_normalize(text, core):
    assert R.normalize(text) == core


def test_split_phrases():
    assert R.split_phrases("sofa; couch |settee\n a long seat.") == ["sofa", "couch", "settee", "a long seat"]
    assert R.split_phrases("just one") == ["just one"]


# ---------------------------------------------------------------------------------------------
# the model and the embedding cache


def test_embedder_returns_unit_float32_rows():
    emb = R.default_embedder()
    v = emb.encode(["a comfy couch", "a sofa", "a harp"])
    assert v.dtype == np.float32 and v.shape == (3, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2]
    assert emb.encode([]).shape == (0, 384)
    assert emb.model_id.startswith(R.MODEL_NAME)


def test_embedder_is_shared_and_thread_safe():
    emb = R.default_embedder()
    assert R.default_embedder() is emb
    texts = [f"object number {i}" for i in range(8)]
    ref = emb.encode(texts)
    out: dict[int, np.ndarray] = {}

    def work(i):
        out[i] = emb.encode(texts)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for v in out.values():
        assert np.allclose(v, ref, atol=1e-5)


class FakeEncoder:
    """Deterministic pseudo-embeddings from a text hash; counts what it encodes."""

    def __init__(self, model_id: str = "fake-1"):
        self.model_id = model_id
        self.calls = 0
        self.texts = 0

    def encode(self, texts):
        self.calls += 1
        self.texts += len(texts)
        rows = []
        for t in texts:
            seed = int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "little")
            v = np.random.default_rng(seed).normal(size=16)
            rows.append(v / np.linalg.norm(v))
        return np.asarray(rows, dtype=np.float32)


def _cands(extra_text: str = "") -> list[Candidate]:
    return [Candidate("procedural:a", "procedural", "a", "alpha; first" + extra_text, "floor", (1, 1, 1)),
            Candidate("procedural:b", "procedural", "b", "beta", "wall", (1, 0.1, 1))]


def test_embedding_cache_second_construction_reads_the_file(tmp_path):
    enc = FakeEncoder()
    r1 = R.Retriever(_cands(), embedder=enc, cache=R.EmbeddingCache(tmp_path)).warm()
    assert enc.calls == 1 and enc.texts == 4  # alpha, first, "alpha, first", beta
    files = list(tmp_path.glob("procedural-*.npz"))
    assert len(files) == 1
    mtime = files[0].stat().st_mtime_ns
    cache2 = R.EmbeddingCache(tmp_path)  # a fresh process, as far as memory goes
    r2 = R.Retriever(_cands(), embedder=enc, cache=cache2).warm()
    assert enc.calls == 1 and cache2.hits_disk == 1 and cache2.misses == 0
    assert files[0].stat().st_mtime_ns == mtime
    assert np.array_equal(r1._vecs, r2._vecs)
    # and within one cache object, memory answers
    R.Retriever(_cands(), embedder=enc, cache=cache2).warm()
    assert cache2.hits_memory == 1 and enc.calls == 1


def test_embedding_cache_invalidates_when_texts_change(tmp_path):
    enc = FakeEncoder()
    R.Retriever(_cands(), embedder=enc, cache=R.EmbeddingCache(tmp_path)).warm()
    old = list(tmp_path.glob("procedural-*.npz"))
    R.Retriever(_cands("; new synonym"), embedder=enc, cache=R.EmbeddingCache(tmp_path)).warm()
    assert enc.calls == 2
    new = list(tmp_path.glob("procedural-*.npz"))
    assert len(new) == 1 and new != old  # the stale file is gone
    # a different model is a different key too
    enc2 = FakeEncoder("fake-2")
    R.Retriever(_cands("; new synonym"), embedder=enc2, cache=R.EmbeddingCache(tmp_path)).warm()
    assert enc2.calls == 1


def test_embedding_cache_recovers_from_a_corrupt_file(tmp_path, caplog):
    enc = FakeEncoder()
    R.Retriever(_cands(), embedder=enc, cache=R.EmbeddingCache(tmp_path)).warm()
    (path,) = tmp_path.glob("procedural-*.npz")
    path.write_bytes(b"not a zip file")
    with caplog.at_level(logging.WARNING):
        r = R.Retriever(_cands(), embedder=enc, cache=R.EmbeddingCache(tmp_path)).warm()
    assert enc.calls == 2 and "unreadable" in caplog.text
    assert r._vecs.shape == (4, 16)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # a truncated zip
    R.Retriever(_cands(), embedder=enc, cache=R.EmbeddingCache(tmp_path)).warm()
    assert enc.calls == 3
    assert not list(tmp_path.glob("*.tmp"))  # atomic writes leave no temporaries


def test_unwritable_cache_only_costs_speed(tmp_path, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    enc = FakeEncoder()
    with caplog.at_level(logging.WARNING):
        r = R.Retriever(_cands(), embedder=enc, cache=R.EmbeddingCache(blocker / "sub")).warm()
    assert r.best("alpha").category == "a"
    assert "cannot write the embedding cache" in caplog.text


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("WORLDSMITH_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert R.cache_dir() == tmp_path / "xdg" / "worldsmith"
    monkeypatch.setenv("WORLDSMITH_CACHE_DIR", str(tmp_path / "ws"))
    assert R.cache_dir() == tmp_path / "ws"
    assert R.EmbeddingCache().folder == tmp_path / "ws" / "embeddings"
    monkeypatch.delenv("WORLDSMITH_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert R.cache_dir() == tmp_path / "home" / ".cache" / "worldsmith"


def test_real_model_cache_is_read_back(tmp_path):
    emb = R.default_embedder()
    keep = {"sofa", "armchair", "bed", "tv", "refrigerator", "harp"}
    cands = [c for c in R.procedural_candidates() if c.category in keep]
    R.Retriever(cands, cache=R.EmbeddingCache(tmp_path)).warm()
    before = emb.encoded_texts
    cache = R.EmbeddingCache(tmp_path)
    r = R.Retriever(cands, cache=cache).warm()
    assert emb.encoded_texts == before and cache.hits_disk == 1
    assert r.best("a comfy couch").category == "sofa"


def test_duplicate_keys_are_refused():
    c = _cands()
    with pytest.raises(ValueError, match="duplicate"):
        R.Retriever([c[0], c[0]], embedder=FakeEncoder())


def test_concurrent_queries_agree(retriever):
    texts = ["a comfy couch", "espresso maker", "king size bed", "bar chair", "flat screen", "fridge"] * 3
    expected = [retriever.best(t).candidate.key for t in texts]
    got: dict[int, list[str]] = {}

    def work(i):
        got[i] = [retriever.best(t).candidate.key for t in texts]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(v == expected for v in got.values())
