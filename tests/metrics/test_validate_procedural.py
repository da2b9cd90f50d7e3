"""validate() on scenes of procedural furniture: rugs, shelves, tables, a 40-object room."""

from __future__ import annotations

import time

import numpy as np
import pytest

from worldsmith.assets import catalog, make_asset, support_surfaces
from worldsmith.metrics import validate
from worldsmith.scene import AssetRef, ObjectInstance, Opening, Room, Scene

ROOM = Room("room_0", "living room", ((0.0, 0.0), (6.0, 0.0), (6.0, 5.0), (0.0, 5.0)), 2.8)


def make(oid: str, category: str, xy, *, seed: int = 0, yaw: float = 0.0, z: float = 0.0, support: str = "floor",
         size=None) -> ObjectInstance:
    asset, final = make_asset(category, np.random.default_rng(seed), size)
    return ObjectInstance(oid, category, asset, (xy[0], xy[1], z), final, yaw, support)


def on(oid: str, category: str, target: ObjectInstance, *, surface: int = 0, local_xy=None, seed: int = 0,
       dz: float = 0.0) -> ObjectInstance:
    """``category`` standing on ``target``'s surface ``surface`` at ``local_xy`` (default: its centroid)."""
    s = next(s for s in support_surfaces(target) if s.index == surface)
    lx, ly = local_xy if local_xy is not None else s.centroid
    t = np.radians(target.yaw_deg)
    x = target.position[0] + np.cos(t) * lx - np.sin(t) * ly
    y = target.position[1] + np.sin(t) * lx + np.cos(t) * ly
    support = f"object:{target.id}" + (f"#{surface}" if surface else "")
    return make(oid, category, (float(x), float(y)), seed=seed, yaw=target.yaw_deg,
                z=target.position[2] + s.z + dz, support=support)


def test_rug_and_yoga_mat_are_flat_in_the_catalog():
    assert catalog.get("rug").flat and catalog.get("yoga_mat").flat and not catalog.get("sofa").flat


def test_furniture_on_a_rug_does_not_collide_and_rug_does_not_block_door():
    door = Opening("door_0", "door", "wall_0", offset=0.5, width=0.9, height=2.1)
    room = Room("room_0", "living room", ROOM.polygon, 2.8, openings=(door,))
    rug = make("rug_0", "rug", (2.5, 1.6), size=(3.0, 2.0, 0.01))  # reaches into the door zone (x .5-1.4, y 0-.9)
    sofa = make("sofa_0", "sofa", (2.5, 1.1), seed=1)
    table = make("coffee_table_0", "coffee_table", (2.5, 2.1), seed=2)
    mat = make("yoga_mat_0", "yoga_mat", (4.5, 1.5))
    sc = Scene(rooms=(room,), objects=(rug, sofa, table, mat))
    rep = validate(sc)
    assert rep.ok, rep.summary_lines()


def test_two_overlapping_sofas_still_collide_on_a_rug():
    rug = make("rug_0", "rug", (3.0, 2.5), size=(3.0, 2.0, 0.01))
    a = make("sofa_0", "sofa", (2.5, 2.5), seed=1)
    b = make("sofa_1", "sofa", (3.5, 2.5), seed=1)  # 1.0 m apart, 2.1 m wide
    rep = validate(Scene(rooms=(ROOM,), objects=(rug, a, b)))
    assert [(c.a, c.b) for c in rep.collisions] == [("sofa_0", "sofa_1")]
    assert rep.collisions[0].depth_m > 0.5


def test_books_on_bookshelf_levels():
    shelf = make("bookshelf_0", "bookshelf", (3.0, 5.0 - 0.16), yaw=180, seed=3)
    surfaces = support_surfaces(shelf)
    assert len(surfaces) >= 4
    books = [on(f"book_{k}", "book", shelf, surface=k) for k in range(len(surfaces) - 1)]
    vase = on("vase_0", "vase", shelf, surface=len(surfaces) - 1)
    rep = validate(Scene(rooms=(ROOM,), objects=(shelf, *books, vase)))
    assert rep.ok, rep.summary_lines()


def test_book_floating_on_shelf_and_book_too_tall_for_shelf():
    shelf = make("bookshelf_0", "bookshelf", (3.0, 5.0 - 0.16), yaw=180, seed=3)
    s2 = support_surfaces(shelf)[2]
    floating = on("book_0", "book", shelf, surface=2, dz=0.05)
    rep = validate(Scene(rooms=(ROOM,), objects=(shelf, floating)))
    assert [(u.id, u.support) for u in rep.unsupported] == [("book_0", "object:bookshelf_0#2")]
    assert rep.unsupported[0].gap_m == pytest.approx(0.05, abs=1e-6)
    assert rep.collisions == ()
    # a book 3 cm taller than the free height under the next board pokes into it
    tall = s2.clearance_m + 0.03
    book = on("book_1", "book", shelf, surface=2)
    book = ObjectInstance(book.id, book.category, book.asset, book.position, (0.04, 0.16, tall), book.yaw_deg,
                          book.support)
    rep = validate(Scene(rooms=(ROOM,), objects=(shelf, book)))
    assert [(c.a, c.b) for c in rep.collisions] == [("book_1", "bookshelf_0")]
    assert rep.collisions[0].depth_m == pytest.approx(0.03, abs=0.003)
    assert rep.unsupported == ()


def test_mug_on_procedural_table():
    for seed in range(6):
        table = make("table_0", "dining_table", (3.0, 2.5), seed=seed, yaw=30)
        mug = on("mug_0", "mug", table, local_xy=(0.2, 0.1))
        assert validate(Scene(rooms=(ROOM,), objects=(table, mug))).ok, seed
        high = on("mug_0", "mug", table, local_xy=(0.2, 0.1), dz=0.05)
        rep = validate(Scene(rooms=(ROOM,), objects=(table, high)))
        assert [(u.id, round(u.gap_m, 4)) for u in rep.unsupported] == [("mug_0", 0.05)], seed


def test_chair_pushed_into_a_table_collides():
    table = make("table_0", "dining_table", (3.0, 2.5), seed=0)
    d = table.size[1]
    clear = make("chair_0", "dining_chair", (3.0, 2.5 - d / 2 - 0.3), seed=0)
    assert validate(Scene(rooms=(ROOM,), objects=(table, clear))).ok
    inside = make("chair_0", "dining_chair", (3.0, 2.5), seed=0)  # right under the middle of the top
    rep = validate(Scene(rooms=(ROOM,), objects=(table, inside)))
    assert [(c.a, c.b) for c in rep.collisions] == [("chair_0", "table_0")]


CATEGORIES = ("table", "chair", "sofa", "bookshelf", "cabinet", "bed", "armchair", "desk", "side_table", "crate")


def furnished_grid(n: int = 40, seed: int = 0) -> Scene:
    """``n`` procedural objects, one per 2.4 m cell, random yaw, never overlapping."""
    rng = np.random.default_rng(seed)
    cols = 8
    objs = []
    for i in range(n):
        cat = CATEGORIES[i % len(CATEGORIES)]
        cx, cy = 1.2 + 2.4 * (i % cols), 1.2 + 2.4 * (i // cols)
        try:
            info = catalog.get(cat)
            size = tuple(min(v, 1.6) for v in info.size_typical[:2]) + (min(info.size_typical[2], 2.0),)
        except KeyError:
            size = (0.6, 0.6, 0.6)
        asset, final = make_asset(cat, rng, size) if cat != "crate" else (AssetRef("fallback", "crate"), size)
        objs.append(ObjectInstance(f"{cat}_{i}", cat, asset, (cx, cy, 0.0), final, float(rng.uniform(0, 360) - 180)))
    rows = (n + cols - 1) // cols
    room = Room("room_0", "hall", ((0, 0), (2.4 * cols, 0), (2.4 * cols, 2.4 * rows), (0, 2.4 * rows)), 2.8)
    return Scene(rooms=(room,), objects=tuple(objs))


def test_forty_procedural_objects_valid():
    sc = furnished_grid()
    assert sum(o.asset.source == "procedural" for o in sc.objects) >= 30
    t0 = time.perf_counter()
    rep = validate(sc)
    elapsed = time.perf_counter() - t0
    assert rep.ok, rep.summary_lines()
    assert elapsed < 10.0  # sanity only; see bench/ for the measured figure
