"""scene_caption (worldsmith.improve.caption): exact captions of known scenes built with the real DSL,
and every wording rule of the module doc (articles, number words, plurals, lists, summaries)."""

from __future__ import annotations

import dataclasses

import pytest

from worldsmith.dsl import execute
from worldsmith.improve.caption import (
    EMPTY_SCENE,
    article,
    count_phrase,
    join_list,
    pluralize,
    scene_caption,
)
from worldsmith.scene import Scene

BEDROOM = """room('{name}', width=5, depth=4, height=2.7)
door('wall_3', at=0.5, width=0.9)
b = add('bed'); place(b, at=(2.5, 2.9), yaw=180)
n = add('nightstand'); place(n, at=(1.2, 3.75), yaw=180)
c = add('cup', on=n)
material('floor', 'light oak planks')
light('ceiling', at=(2.5, 2), watts=40, kelvin=2700)
"""

SHOWROOM = """room('showroom', width=6, depth=5, height=2.8)
door('wall_3', at=0.5, width=0.9)
window('wall_1', at=0.3); window('wall_1', at=0.7)
material('floor', 'white hexagon mosaic tile'); material('walls', 'sage green paint')
material('wall_0', 'exposed red brick')
material('ceiling', 'cosy bohemian art studio with a vintage easel')
a = add('armchair', style='modern', color='red'); place(a, at=(1.0, 4.2), yaw=180)
b1 = add('bench', style='modern'); place(b1, at=(3.0, 1.0))
b2 = add('bench', style='modern'); place(b2, at=(3.0, 2.2))
s = add('sofa', style='modern', material='grey velvet'); place(s, at=(4.0, 4.2), yaw=180)
t = add('dining_table', style='rustic', material='oak'); place(t, at=(1.5, 2.5))
bs = add('bookshelf', color='#aabbcc', style='modern'); place(bs, against='wall_0', at=0.12)
w1 = add('wall_shelf'); place(w1, on_wall='wall_2')
w2 = add('wall_shelf'); place(w2, on_wall='wall_2')
add('pendant_light')
fill(t, ['glass', 'glass', 'plate', 'plate', 'plate', 'cup', 'bowl', 'mug', 'vase', 'candle'], count=10)
light('ceiling', at=(3, 2.5), watts=200, kelvin=5000)
light('point', at=(1, 1), watts=10, color=(1.0, 0.2, 0.2))
"""


def build(program: str) -> Scene:
    return execute(program, Scene(prompt="", seed=0), seed=0).scene


def test_caption_of_a_small_bedroom_exactly():
    assert scene_caption(build(BEDROOM.format(name="bedroom"))) == (
        "a room with a bed and a nightstand; small objects: a cup; oak planks floor; a door; dim warm light")


def test_caption_of_a_showroom_exactly():
    # styles: 4 of 6 floor objects are modern (dominant, said once); the rustic table keeps its style;
    # materials: none is dominant, so each object's own is said; '#aabbcc' has no word; "mosaic" is
    # not in the resolved library material (tile_hex_white); the ceiling's pasted sentence says what it
    # resolved to (wallpaper_geometric); 10 small objects of 7 kinds: 6 kinds listed, the vase counted;
    # 3000 + 150 lm on 30 m^2 = 105 lm/m^2 is neither bright nor dim; the RGB light is "coloured"
    scene = build(SHOWROOM)
    assert [o.support_kind for o in scene.objects].count("object") == 10
    assert scene_caption(scene) == (
        "a room with two benches, a bookshelf, a grey velvet sofa, a red armchair and a rustic oak dining table; "
        "two wall shelves on the walls; a pendant light; "
        "small objects: three plates, two glasses, a bowl, a candle, a cup, a mug and one other small object; "
        "modern style; white hexagon tile floor, sage green paint walls, wallpaper geometric ceiling, "
        "exposed red brick accent wall; "
        "a door and two windows; cool coloured light")


def test_caption_never_reads_the_room_name_or_prompt():
    prompt = "a cosy bedroom with a bed, a nightstand and a cup"
    a = build(BEDROOM.format(name="bedroom"))
    b = dataclasses.replace(build(BEDROOM.format(name=prompt)), prompt=prompt)
    assert b.rooms[0].name == prompt
    assert scene_caption(a) == scene_caption(b)
    assert "cosy" not in scene_caption(b)


def test_free_text_reaches_the_caption_only_as_what_the_scene_shows():
    prompt = "a cosy bedroom with a bed, a nightstand and a reading lamp"
    scene = build(f"""room('r', width=4, depth=4, height=2.5)
b = add('bed', style='a cosy bedroom', color='a bed nightstand'); place(b, at=(2, 2))
s = add('stool', style='boho', color='gray', material='kitchen'); place(s, at=(0.5, 0.5))
t = add('stool', style='cosy', color='#ff0000', material='{prompt}'); place(t, at=(3.5, 0.5))
material('floor', '{prompt}'); material('walls', 'cosy bedroom')
""")
    # unknown style and colour words are dropped; 'boho' / 'cosy' are the planner's style words for
    # bohemian / cozy; 'gray' is the colour library's grey; a pasted material says what it resolved
    # to (light_warm, tile_square_white); one that resolved to nothing ('default') says nothing
    assert scene.material_choices["cosy bedroom"].material == "default"
    assert scene_caption(scene) == (
        "a room with a bed, a bohemian grey tile square white stool and a cozy light warm stool; light warm floor")
    assert "nightstand" not in scene_caption(scene) and "lamp" not in scene_caption(scene)


def test_proxies_are_placeholders_not_their_free_text_label():
    scene = build("""room('r', width=4, depth=4, height=2.5)
b = add('bed'); place(b, at=(2, 2))
x = add('cosy bedroom'); place(x, at=(0.6, 0.6))
h = add('harp', on=b)
""")
    assert [(o.category, o.asset.name) for o in scene.objects] == [
        ("bed", "bed"), ("bedroom", "proxy"), ("harp", "proxy")]
    assert scene_caption(scene) == "a room with a bed and a placeholder object; small objects: a placeholder object"


def test_caption_does_not_depend_on_object_order():
    scene = build(SHOWROOM)
    flipped = dataclasses.replace(scene, objects=tuple(reversed(scene.objects)))
    assert scene_caption(flipped) == scene_caption(scene)


def test_empty_scene_and_empty_room():
    assert scene_caption(Scene()) == EMPTY_SCENE == "an empty scene"
    room = build("room('kitchen', width=3, depth=3, height=2.5)")
    assert scene_caption(room) == "an empty room"
    walls_only = build("room('kitchen', width=3, depth=3, height=2.5)\np = add('painting'); place(p, on_wall='wall_0')")
    assert scene_caption(walls_only) == "a room without furniture; a painting on the walls"


def test_articles():
    assert [article(w) for w in ("easel", "armchair", "umbrella", "ottoman", "bed", "unicycle", "user manual",
                                 "euro coin", "one-armed bandit", "hour glass", "honest clock", "table")] == [
        "an", "an", "an", "an", "a", "a", "a", "a", "a", "an", "an", "a"]


def test_number_words_up_to_twelve_then_digits():
    assert count_phrase(1, "book") == "a book"
    assert count_phrase(1, "easel") == "an easel"
    assert [count_phrase(n, "book") for n in (2, 7, 11, 12, 13, 40)] == [
        "two books", "seven books", "eleven books", "twelve books", "13 books", "40 books"]
    with pytest.raises(ValueError):
        count_phrase(0, "book")


def test_pluralisation_rules():
    cases = {
        "stool": "stools", "bench": "benches", "box": "boxes", "glass": "glasses", "dish": "dishes",
        "topaz": "topazes", "wall shelf": "wall shelves", "bookshelf": "bookshelves", "knife": "knives",
        "library": "libraries", "toy": "toys", "toy chest": "toy chests", "potato": "potatoes", "piano": "pianos",
        "computer mouse": "computer mice", "sheep": "sheep", "tv": "tvs", "folded clothes": "folded clothes",
        "dining chair": "dining chairs", "ceiling light": "ceiling lights", "y": "ys",
    }
    assert {noun: pluralize(noun) for noun in cases} == cases
    assert count_phrase(1, "folded clothes") == "a pile of folded clothes"
    assert count_phrase(3, "folded clothes") == "three piles of folded clothes"
    assert count_phrase(2, "scissors") == "two pairs of scissors"


def test_join_list():
    assert join_list([]) == ""
    assert join_list(["a bed"]) == "a bed"
    assert join_list(["a bed", "a lamp"]) == "a bed and a lamp"
    assert join_list(["a", "b", "c", "d"]) == "a, b, c and d"


def test_caption_is_deterministic_for_a_full_planner_room():
    # the offline planner's program shape: relations solved by the layout solver, fills on surfaces
    program = """room('studio', width=4.9, depth=4.8, height=3.2)
door('wall_3', at=0.846, width=0.95)
material('floor', 'terracotta tile'); material('walls', 'cream paint')
w = add('workbench', material='walnut wood', style='bohemian'); place(w, center=True)
s = add('stool', material='walnut wood', style='bohemian'); place(s, near=w)
fill(w, ['jar', 'bowl', 'book', 'cup'], count=4)
light('point', at=(2.3, 2.3, 3.15), watts=83, kelvin=4550)
"""
    a, b = build(program), build(program)
    assert scene_caption(a) == scene_caption(b) == (
        "a room with a stool and a workbench; small objects: a book, a bowl, a cup and a jar; "
        "bohemian style, walnut wood furniture; terracotta tile floor, cream paint walls; a door; dim cool light")
