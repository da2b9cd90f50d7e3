"""Furniture-group generators (kids, seating, counters, racks modules): structural variety over
many samples, the front along +Y, the parts each object must have, and category facts (a bunk bed's
mattresses lie one above the other with room between, a crib's rails enclose its mattress, a bar's
top overhangs the customers' side, a wine rack's bottle necks point forward...)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from worldsmith.assets import build_object_parts, catalog, support_surfaces
from worldsmith.assets.build import GENERATORS
from worldsmith.assets.procedural import sample_params
from worldsmith.scene import AssetRef, ObjectInstance

GROUP = ("bunk_bed", "crib", "changing_table", "toy_chest", "wall_shelf", "bar_counter", "checkout_counter",
         "rocking_chair", "stool", "bench", "floor_cushion", "pet_bed", "wine_rack", "clothing_rack", "coat_rack",
         "coat_hook")
NO_SURFACES = {"coat_rack"}  # nothing is put on a coat stand


def _size(category: str, rng: np.random.Generator) -> tuple[float, float, float]:
    info = catalog.get(category)
    return tuple(round(float(rng.uniform(a, b)), 3) for a, b in zip(info.size_min, info.size_max))  # type: ignore


def _draw(category: str, n: int = 60, seed: int = 1, size=None) -> list[tuple[dict, tuple[float, float, float]]]:
    """``n`` (params, size) pairs at sizes spread over the category's range (or at ``size``)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        s = tuple(size) if size is not None else _size(category, rng)
        out.append((sample_params(category, category, rng, s), s))
    return out


def _build(category: str, params: dict, size) -> dict:
    return {p.name: p for p in GENERATORS[category](params, size)}


def _lo(part) -> np.ndarray:
    return part.mesh.bounds[0]


def _hi(part) -> np.ndarray:
    return part.mesh.bounds[1]


def _c(part) -> np.ndarray:
    return part.mesh.bounds.mean(axis=0)


def _starting(parts: dict, prefix: str) -> list:
    return [p for n, p in parts.items() if n.startswith(prefix)]


def _surfaces(category: str, params: dict, size) -> list:
    obj = ObjectInstance("o", category, AssetRef("procedural", category, params), (0.0, 0.0, 0.0), size)
    return support_surfaces(obj)


class _Rays:
    """Vertical-line crossings with an object's fitted mesh (triangles set up once)."""

    def __init__(self, obj: ObjectInstance) -> None:
        tri = np.concatenate([p.mesh.vertices[p.mesh.faces] for p in build_object_parts(obj)])
        self.a, self.v0, self.v1 = tri[:, 0], tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]
        den = self.v0[:, 0] * self.v1[:, 1] - self.v1[:, 0] * self.v0[:, 1]
        self.ok = np.abs(den) > 1e-14
        self.den = np.where(self.ok, den, 1.0)

    def hits(self, x: float, y: float) -> np.ndarray:
        px, py = x - self.a[:, 0], y - self.a[:, 1]
        u = (px * self.v1[:, 1] - self.v1[:, 0] * py) / self.den
        v = (self.v0[:, 0] * py - px * self.v0[:, 1]) / self.den
        inside = self.ok & (u >= -1e-9) & (v >= -1e-9) & (u + v <= 1 + 1e-9)
        return (self.a[:, 2] + u * self.v0[:, 2] + v * self.v1[:, 2])[inside]


def _assert_surfaces_on_mesh(category: str, params: dict, size) -> None:
    """Every surface lies on the mesh at its centroid and near its corners; clearance matches."""
    obj = ObjectInstance("o", category, AssetRef("procedural", category, params), (0.0, 0.0, 0.0), size)
    surfaces = support_surfaces(obj)
    if not surfaces:
        return
    rays = _Rays(obj)
    for s in surfaces:
        cx, cy = s.centroid
        for x, y in [(cx, cy)] + [(cx + 0.9 * (px - cx), cy + 0.9 * (py - cy)) for px, py in s.polygon]:
            z = rays.hits(x, y)
            below = z[z <= s.z + 0.005]
            assert below.size and abs(below.max() - s.z) <= 0.002, (category, s.name, x, y)
        above = rays.hits(cx, cy)
        above = above[above > s.z + 0.003]
        if s.clearance_m is None:
            assert above.size == 0, (category, s.name)
        else:
            assert abs(above.min() - (s.z + s.clearance_m)) <= 0.002, (category, s.name)


# ----------------------------------------------------------------------------------------------
# all of the group


def test_group_is_registered_under_its_category_names():
    for c in GROUP:
        assert catalog.get(c).generator == c
        assert c in GENERATORS


@pytest.mark.parametrize("category", GROUP)
def test_build_is_fast_and_light_at_typical_size(category):
    size = catalog.get(category).size_typical
    times, tris = [], []
    for params, _ in _draw(category, 12, seed=3, size=size):
        best = 1e9
        for _ in range(3):  # best of three: other test workers load the machine
            t = time.perf_counter()
            parts = GENERATORS[category](params, size)
            best = min(best, time.perf_counter() - t)
        times.append(best)
        tris.append(sum(len(p.mesh.faces) for p in parts))
    assert np.median(times) < 0.1  # about 1-15 ms on an idle machine
    assert max(tris) < 8000


@pytest.mark.parametrize("category", GROUP)
def test_parts_are_sound_and_exactly_sized_at_the_range_corners(category):
    info = catalog.get(category)
    corners = [info.size_min, info.size_max, (info.size_min[0], info.size_max[1], info.size_min[2]),
               (info.size_max[0], info.size_min[1], info.size_max[2])]
    for size in corners:
        for params, _ in _draw(category, 6, seed=5, size=size):
            parts = GENERATORS[category](params, tuple(size))
            lo = np.min([p.mesh.bounds[0] for p in parts], axis=0)
            hi = np.max([p.mesh.bounds[1] for p in parts], axis=0)
            np.testing.assert_allclose(hi - lo, size, atol=1e-3)
            np.testing.assert_allclose([(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, lo[2]], 0.0, atol=1e-3)
            for p in parts:
                assert p.mesh.is_watertight and p.mesh.volume > 0, (category, p.name)
            _assert_surfaces_on_mesh(category, params, tuple(size))


def test_surfaces_exist_except_on_coat_stands():
    for c in GROUP:
        for params, size in _draw(c, 10, seed=2):
            s = _surfaces(c, params, size)
            if c in NO_SURFACES:
                assert s == []
            elif c in ("clothing_rack", "coat_hook"):  # only a shelf, when there is one
                assert bool(s) == ("shelf" in _build(c, params, size))
            else:
                assert s, c
            assert [x.index for x in s] == list(range(len(s)))


# ----------------------------------------------------------------------------------------------
# kids


def test_bunk_bed_variety_and_two_mattresses_one_above_the_other():
    draws = _draw("bunk_bed")
    ps = [p for p, _ in draws]
    assert {p["frame_style"] for p in ps} == {"wood", "metal"}
    assert {p["ladder"] for p in ps} == {"side", "end"}
    assert {p["guard_style"] for p in ps} == {"slats", "panel", "bars"}
    assert {p["end_style"] for p in ps} == {"slats", "panel", "bars"}
    for params, size in draws[:25]:
        w, d, h = size
        parts = _build("bunk_bed", params, size)
        lower, upper = parts["mattress_lower"], parts["mattress_upper"]
        assert _lo(upper)[2] - _hi(lower)[2] > 0.5  # sitting room below
        assert abs(_c(upper)[0] - _c(lower)[0]) < 1e-6 and abs(_c(upper)[1] - _c(lower)[1]) < 1e-6
        assert len(_starting(parts, "post_")) == 4 and all(_hi(p)[2] == pytest.approx(h) for p in _starting(parts, "post_"))
        # guard rails round the upper bunk reach well above its mattress
        guards = _starting(parts, "guard_") + _starting(parts, "upper_end_")
        assert max(_hi(g)[2] for g in guards) >= _hi(upper)[2] + 0.15
        assert {n.split("_")[1] for n in parts if n.startswith("guard_")} == {"0", "1"}
        # a ladder from the floor to the upper bunk, with rungs
        rails = _starting(parts, "ladder_rail_")
        assert len(rails) == 2 and all(_lo(r)[2] == pytest.approx(0.0) for r in rails)
        assert all(_hi(r)[2] >= _lo(upper)[2] for r in rails)
        assert len(_starting(parts, "ladder_rung_")) >= 3
        if params["ladder"] == "end":
            assert all(_hi(r)[1] == pytest.approx(d / 2) for r in rails)  # on the foot end (+Y)
        else:
            assert all(abs(_c(r)[0]) > w / 2 - 0.05 and _c(r)[1] > 0 for r in rails)  # long side, foot half
        for p in _starting(parts, "pillow_"):
            assert _c(p)[1] < -d / 4  # pillows at the head (-Y)
        s = _surfaces("bunk_bed", params, size)
        assert [x.name for x in s] == ["mattress_lower", "mattress_upper"]
        assert s[0].z == pytest.approx(_hi(lower)[2]) and s[1].z == pytest.approx(_hi(upper)[2])
        assert s[0].clearance_m > 0.5 and s[1].clearance_m is None


def test_crib_variety_and_rails_enclose_the_mattress():
    draws = _draw("crib")
    ps = [p for p, _ in draws]
    assert {p["end_style"] for p in ps} == {"panel", "arched", "slats"}
    assert {p["side_style"] for p in ps} == {"slats", "spindles"}
    assert {p["base"] for p in ps} == {"legs", "casters"}
    for params, size in draws[:20]:
        w, d, h = size
        parts = _build("crib", params, size)
        m = parts["mattress"]
        posts = _starting(parts, "post_")
        assert len(posts) == 4
        px = min(_lo(p)[0] for p in posts if _c(p)[0] > 0)
        py = min(_lo(p)[1] for p in posts if _c(p)[1] > 0)
        assert _hi(m)[0] <= px + 1e-6 and _hi(m)[1] <= py + 1e-6 and _lo(m)[0] >= -px - 1e-6 and _lo(m)[1] >= -py - 1e-6
        for i in (0, 1):
            top = parts[f"side_top_rail_{i}"]
            assert _lo(top)[2] > _hi(m)[2] + 0.2  # high rails above the mattress on both long sides
            ys = sorted(_c(p)[1] for p in _starting(parts, f"side_slat_{i}_"))
            assert len(ys) >= 10 and max(np.diff(ys)) < 0.085  # slats close together
        (s,) = _surfaces("crib", params, size)
        assert s.name == "mattress" and s.clearance_m is None and s.z == pytest.approx(_hi(m)[2])


def test_changing_table_variety_rails_and_pad():
    draws = _draw("changing_table")
    ps = [p for p, _ in draws]
    assert {p["base"] for p in ps} == {"shelves", "drawers", "mixed"}
    assert {p["pad_layout"] for p in ps} == {"full", "side"}
    assert {p["rail_style"] for p in ps} == {"board", "spindles"}
    assert {p["legs"] for p in ps} == {True, False}
    for params, size in draws[:25]:
        w, d, h = size
        parts = _build("changing_table", params, size)
        pad = parts["pad"]
        rails = [p for n, p in parts.items() if n.startswith("rail_")]
        assert max(_hi(r)[2] for r in rails) >= _hi(pad)[2] + 0.02
        back = [p for n, p in parts.items() if n.startswith("rail_back")]
        assert back and all(_c(p)[1] < -d / 2 + 0.05 for p in back)  # back rail at -Y
        assert all(_c(r)[1] < 0 for r in rails if _hi(r)[0] - _lo(r)[0] > 0.5 * w)  # no rail across the front
        for p in _starting(parts, "handle_"):
            assert _c(p)[1] > d / 2 - 0.05 and _hi(p)[1] <= d / 2 + 1e-6  # handles on the front
        s = _surfaces("changing_table", params, size)
        assert s[-1].name == "pad" and s[-1].clearance_m is None
        assert s[-1].z == pytest.approx(_hi(pad)[2])
        for x in s:
            if x.name.startswith("shelf_"):
                assert x.clearance_m > 0.1
        if params["base"] == "drawers":
            assert not any(x.name.startswith("shelf_") for x in s)


def test_toy_chest_variety_lid_and_handles():
    draws = _draw("toy_chest")
    ps = [p for p, _ in draws]
    assert {p["lid_style"] for p in ps} == {"flat", "framed", "cushioned"}
    assert {p["base"] for p in ps} == {"plinth", "feet", "casters"}
    assert {p["front_style"] for p in ps} == {"plain", "panel", "slats"}
    assert {p["handles"] for p in ps} == {"rope", "metal"}
    for params, size in draws[:20]:
        w, d, h = size
        parts = _build("toy_chest", params, size)
        lid, body = parts["lid"], parts["body"]
        assert _lo(lid)[2] >= _hi(body)[2] - 1e-6
        assert _lo(lid)[0] <= _lo(body)[0] and _hi(lid)[1] >= _hi(body)[1]
        handles = _starting(parts, "handle_")
        assert len(handles) == 2 and all(abs(_c(p)[0]) > 0.4 * w for p in handles)
        for p in _starting(parts, "front_panel") + _starting(parts, "slat_front_"):
            assert _c(p)[1] > 0
        (s,) = _surfaces("toy_chest", params, size)
        assert s.z == pytest.approx(h) and s.clearance_m is None


# ----------------------------------------------------------------------------------------------
# seating


def test_rocking_chair_variety_rockers_and_back():
    draws = _draw("rocking_chair")
    ps = [p for p, _ in draws]
    assert {p["back_style"] for p in ps} == {"spindles", "ladder", "solid", "upholstered"}
    assert {p["arms"] for p in ps} == {True, False}
    assert {p["seat_style"] for p in ps} == {"wood", "cushion", "woven"}
    for params, size in draws[:20]:
        w, d, h = size
        parts = _build("rocking_chair", params, size)
        rockers = _starting(parts, "rocker_")
        assert len(rockers) == 2
        for r in rockers:
            assert _lo(r)[1] == pytest.approx(-d / 2) and _hi(r)[1] == pytest.approx(d / 2)
            v = r.mesh.vertices
            bottom_ends = v[np.abs(np.abs(v[:, 1]) - d / 2) < 1e-9][:, 2].min()
            assert bottom_ends > 0.005  # curved: the ends are off the floor
            assert _lo(r)[2] == pytest.approx(0.0)
        seat = parts["seat"]
        backs = [p for n, p in parts.items() if n.startswith(("back", "top_rail", "spindle_"))]
        assert backs and all(_c(b)[1] < _c(seat)[1] for b in backs)
        assert max(_hi(b)[2] for b in backs) == pytest.approx(h)
        assert bool(_starting(parts, "armrest_")) == params["arms"]
        (s,) = _surfaces("rocking_chair", params, size)
        assert s.name == "seat" and 0.3 <= s.z <= 0.5


def test_stool_variety_legs_and_footring():
    draws = _draw("stool")
    ps = [p for p, _ in draws]
    assert {p["seat_shape"] for p in ps} == {"round", "square"}
    assert {p["base"] for p in ps} == {"legs", "pedestal"}
    assert {p["leg_count"] for p in ps} == {3, 4}
    assert {p["splay"] for p in ps} == {True, False}
    assert {p["seat_style"] for p in ps} == {"wood", "upholstered"}
    assert any(p["footring"] for p in ps)
    seen_ring = False
    for params, size in draws[:40]:
        w, d, h = size
        parts = _build("stool", params, size)
        assert _hi(parts["seat"])[2] == pytest.approx(h)
        legs = _starting(parts, "leg_")
        if params["base"] == "legs":
            assert len(legs) == params["leg_count"]
            for leg in legs:
                v = leg.mesh.vertices
                foot = v[v[:, 2] < 1e-9][:, :2].mean(axis=0)
                top = v[v[:, 2] > _hi(leg)[2] - 1e-9][:, :2].mean(axis=0)
                if params["splay"]:
                    assert np.linalg.norm(foot) > np.linalg.norm(top) + 0.01
            if params["footring"] and h >= 0.35:
                assert _starting(parts, "footring") or _starting(parts, "stretcher_")
                seen_ring = True
        else:
            assert "column" in parts and "base" in parts and not legs
    assert seen_ring


def test_bench_variety_backrest_when_tall_and_slats():
    draws = _draw("bench")
    ps = [p for p, _ in draws]
    assert {p["seat_style"] for p in ps} == {"slats", "solid", "upholstered"}
    assert {p["base"] for p in ps} == {"legs", "panel", "frame"}
    assert {p["lower_shelf"] for p in ps} == {True, False}
    backs = 0
    for params, size in draws[:30]:
        parts = _build("bench", params, size)
        has_back = params["backrest"] and size[2] - params["seat_height_m"] >= 0.2
        assert bool(_starting(parts, "back_post_")) == has_back  # only tall benches get a backrest
        backs += has_back
        slats = _starting(parts, "seat_slat_")
        if params["seat_style"] == "slats":
            assert len(slats) % 2 == 1 and len(slats) >= 3
        s = _surfaces("bench", params, size)
        assert s[-1].name == "seat"
        if has_back:  # the seat is below the backrest's top (the generic suite checks it lies on the mesh)
            assert s[-1].z <= size[2] - 0.19
        else:
            assert s[-1].z == pytest.approx(size[2])
        assert ("shelf" in parts) == (s[0].name == "shelf")
    assert 0 < backs < 30
    tall = (1.4, 0.55, 0.85)
    backs = 0
    for params, size in _draw("bench", 30, seed=4, size=tall):
        parts = _build("bench", params, size)
        posts = _starting(parts, "back_post_")
        if params["backrest"]:
            backs += 1
            assert posts and all(_c(p)[1] < 0 for p in posts)
            assert min(_lo(p)[1] for p in parts.values()) == pytest.approx(-tall[1] / 2, abs=1e-3)
            assert max(_hi(p)[2] for p in posts) == pytest.approx(tall[2])
        _assert_surfaces_on_mesh("bench", params, size)
    assert backs >= 5


def test_floor_cushion_cushions_low_poufs_tall():
    draws = _draw("floor_cushion")
    ps = [p for p, _ in draws]
    assert {p["shape"] for p in ps} == {"round", "square"}
    assert {p["style"] for p in ps} == {"cushion", "pouf"}
    assert {p["trim"] for p in ps} == {"piping", "band"}
    assert any(p["legs"] for p in ps)
    for params, size in draws:
        if size[2] < 0.2:
            assert params["style"] == "cushion"
        if size[2] > 0.28:
            assert params["style"] == "pouf"
        parts = _build("floor_cushion", params, size)
        assert "cushion" in parts and len(parts) >= 2
        (s,) = _surfaces("floor_cushion", params, size)
        assert s.z == pytest.approx(size[2]) and s.clearance_m is None


def test_pet_bed_shapes_and_open_front():
    draws = _draw("pet_bed")
    assert {p["shape"] for p, _ in draws} == {"round", "oval", "rectangle", "cot"}
    for params, size in draws[:30]:
        w, d, h = size
        parts = _build("pet_bed", params, size)
        (s,) = _surfaces("pet_bed", params, size)
        if params["shape"] == "round":
            b = parts["bolster"]
            np.testing.assert_allclose(_hi(b) - _lo(b), size, atol=1e-3)
        elif params["shape"] == "oval":
            b = parts["bolster"]
            assert _hi(b)[1] < d / 2 - 0.03 and _lo(b)[1] == pytest.approx(-d / 2, abs=1e-3)  # open at the front
        elif params["shape"] == "rectangle":
            if params["front_dip"]:
                assert _hi(parts["bolster_front"])[2] < _hi(parts["bolster_back"])[2]
        else:
            assert len(_starting(parts, "leg_")) == 4 and "bed" in parts
        if params["shape"] != "cot":
            assert s.z < h and s.z == pytest.approx(_hi(parts["cushion"])[2])


# ----------------------------------------------------------------------------------------------
# counters


def test_bar_counter_customers_in_front_staff_behind():
    draws = _draw("bar_counter")
    ps = [p for p, _ in draws]
    assert {p["layout"] for p in ps} == {"single", "two_level"}
    assert {p["front_style"] for p in ps} == {"plain", "slats", "tiles", "framed"}
    assert {p["foot_rail"] for p in ps} == {True, False}
    for params, size in draws[:25]:
        w, d, h = size
        parts = _build("bar_counter", params, size)
        top, wall = parts["top"], parts["front_wall"]
        assert _hi(top)[2] == pytest.approx(h) and _hi(top)[1] == pytest.approx(d / 2)
        assert _hi(top)[1] - _hi(wall)[1] >= 0.1  # knee room under the overhang
        if "foot_rail" in parts:
            rail = parts["foot_rail"]
            assert _c(rail)[1] > _hi(wall)[1] and _hi(rail)[2] < 0.35
        for sh in _starting(parts, "shelf_"):
            assert _c(sh)[1] < _lo(wall)[1]  # shelves on the staff side
        s = _surfaces("bar_counter", params, size)
        assert s[-1].name == "top" and s[-1].z == pytest.approx(h)
        if "work_top" in parts:
            wt = parts["work_top"]
            assert _hi(wt)[2] < _lo(top)[2] and _c(wt)[1] < _c(top)[1]
            assert any(x.name == "work_top" for x in s)


def test_checkout_counter_styles_and_sides():
    draws = _draw("checkout_counter")
    ps = [p for p, _ in draws]
    assert {p["style"] for p in ps} == {"ledge", "belt"}
    assert {p["staff_side"] for p in ps} == {"doors", "shelves"}
    assert {p["front_style"] for p in ps} == {"plain", "slats", "framed"}
    for params, size in draws[:25]:
        w, d, h = size
        parts = _build("checkout_counter", params, size)
        assert _lo(parts["cash_drawer"])[1] == pytest.approx(-d / 2)  # the cashier's side
        s = _surfaces("checkout_counter", params, size)
        if params["style"] == "ledge":
            ledge = parts["ledge"]
            assert _hi(ledge)[2] == pytest.approx(h) and _lo(ledge)[1] > 0 and _hi(ledge)[1] == pytest.approx(d / 2)
            assert _hi(parts["work_top"])[2] < _lo(ledge)[2]
            assert [x.name for x in s][-2:] == ["work_top", "ledge"]
        else:
            tower = parts["scanner_tower"]
            assert _hi(tower)[2] == pytest.approx(h) and _c(tower)[1] < 0
            belt = parts["belt"]
            g = _starting(parts, "belt_guard_")
            assert len(g) == 2 and min(_c(x)[1] for x in g) < _c(belt)[1] < max(_c(x)[1] for x in g)
            assert "belt" in [x.name for x in s]


# ----------------------------------------------------------------------------------------------
# racks


def test_wall_shelf_styles_back_on_the_wall_and_tiers_when_tall():
    draws = _draw("wall_shelf")
    assert {p["style"] for p, _ in draws} >= {"floating", "bracketed", "ledge"}
    for params, size in draws[:30]:
        w, d, h = size
        parts = _build("wall_shelf", params, size)
        boards = _starting(parts, "board")
        assert boards and all(_lo(b)[1] == pytest.approx(-d / 2) for b in boards)
        assert min(_lo(p)[1] for p in parts.values()) == pytest.approx(-d / 2)
    tall = (0.9, 0.25, 0.5)
    styles = set()
    for params, size in _draw("wall_shelf", 30, seed=3, size=tall):
        parts = _build("wall_shelf", params, size)
        styles.add(params["style"])
        s = _surfaces("wall_shelf", params, size)
        assert len(s) >= 2 and len(s) == len(_starting(parts, "board"))
        assert all(x.clearance_m > 0.1 for x in s[:-1]) and s[-1].clearance_m is None
        assert [x.z for x in s] == sorted(x.z for x in s)
        _assert_surfaces_on_mesh("wall_shelf", params, size)
    assert "tiered" in styles


def test_wine_rack_styles_bottles_point_forward():
    draws = _draw("wine_rack")
    ps = [p for p, _ in draws]
    assert {p["style"] for p in ps} == {"grid", "diamond", "rails"}
    assert {p["bottom_shelf"] for p in ps} == {True, False}
    with_bottles = 0
    for params, size in draws[:30]:
        w, d, h = size
        parts = _build("wine_rack", params, size)
        assert "top" in parts and _hi(parts["top"])[2] == pytest.approx(h)
        if params["style"] == "diamond":
            assert "lattice" in parts
        if "bottle_capsules" in parts:
            with_bottles += 1
            bottles = _starting(parts, "bottles_")
            assert bottles
            assert _c(parts["bottle_capsules"])[1] > max(_c(b)[1] for b in bottles)  # necks to the front
            assert all(_hi(b)[1] <= d / 2 and _lo(b)[1] >= -d / 2 for b in bottles)
        s = _surfaces("wine_rack", params, size)
        assert s[-1].name == "top"
        if len(s) == 2:
            assert s[0].name == "bottom_shelf" and s[0].clearance_m > 0.15
    assert with_bottles >= 20


def test_clothing_rack_rod_garments_and_shelf():
    draws = _draw("clothing_rack")
    ps = [p for p, _ in draws]
    assert {p["style"] for p in ps} == {"tube", "wood", "pipe"}
    assert {p["bottom_shelf"] for p in ps} == {True, False}
    assert 0 in {p["garments"] for p in ps} and max(p["garments"] for p in ps) >= 5
    for params, size in draws[:30]:
        w, d, h = size
        parts = _build("clothing_rack", params, size)
        rod = parts["rod"]
        assert _hi(rod)[0] - _lo(rod)[0] > 0.8 * w and _lo(rod)[2] > 0.85 * h
        garments = _starting(parts, "garment_")
        assert len(garments) == len(_starting(parts, "hanger_"))
        for g in garments:
            assert _hi(g)[2] < _lo(rod)[2] and abs(_c(g)[1]) < 1e-6
        s = _surfaces("clothing_rack", params, size)
        assert len(s) == (1 if "shelf" in parts else 0)
        if s:
            assert s[0].z == pytest.approx(_hi(parts["shelf"])[2])
            assert all(_lo(g)[2] > s[0].z + 0.05 for g in garments)


def test_coat_rack_hooks_up_high_and_bases():
    draws = _draw("coat_rack")
    ps = [p for p, _ in draws]
    assert {p["base"] for p in ps} == {"legs", "disc", "cross"}
    assert {p["hook_style"] for p in ps} == {"curl", "peg", "double"}
    assert {p["tiers"] for p in ps} == {1, 2}
    for params, size in draws[:20]:
        w, d, h = size
        parts = _build("coat_rack", params, size)
        hooks = [p for n, p in parts.items() if n.startswith("hook_") and n.split("_")[-1].isdigit()
                 and not n.startswith(("hook_tip", "hook_upper", "hook_collar"))]
        assert len(hooks) == params["hook_count"] * params["tiers"]
        assert all(_c(x)[2] > 0.6 * h for x in hooks)
        assert _hi(parts["pole"])[2] > 0.9 * h
        assert _surfaces("coat_rack", params, size) == []


def test_coat_hook_count_follows_width_and_faces_front():
    draws = _draw("coat_hook")
    ps = [p for p, _ in draws]
    assert {p["mount"] for p in ps} == {"board", "plate", "none"}
    assert {p["hook_style"] for p in ps} == {"j", "double", "peg", "knob"}
    assert any(p["shelf"] for p in ps)
    params = ps[0]
    counts = [len([n for n in _build("coat_hook", params, (w, 0.08, 0.15)) if n.startswith("hook_") and n[5:].isdigit()])
              for w in (0.06, 0.4, 1.2)]
    assert counts[0] == 1 and counts == sorted(counts) and 3 <= counts[-1] <= 6
    for params, size in draws[:30]:
        w, d, h = size
        parts = _build("coat_hook", params, size)
        back = [p for n, p in parts.items() if n in ("rail", "plate") or n.startswith("plate_")]
        assert back and all(_lo(b)[1] == pytest.approx(-d / 2) for b in back)
        hooks = [p for n, p in parts.items() if n.startswith("hook_") and n[5:].isdigit()]
        assert hooks and all(_c(x)[1] > _hi(back[0])[1] - 0.01 for x in hooks)
        s = _surfaces("coat_hook", params, size)
        assert len(s) == (1 if "shelf" in parts else 0)


@pytest.mark.parametrize("category", GROUP)
def test_defaults_build_and_params_round_trip(category):
    from worldsmith.assets.procedural import params_from_dict, params_to_dict
    from worldsmith.assets.procedural.params import SAMPLERS

    size = catalog.get(category).size_typical
    parts = GENERATORS[category]({}, size)
    assert len(parts) >= 2
    lo = np.min([p.mesh.bounds[0] for p in parts], axis=0)
    hi = np.max([p.mesh.bounds[1] for p in parts], axis=0)
    np.testing.assert_allclose(hi - lo, size, atol=1e-3)
    data = SAMPLERS[category](np.random.default_rng(0), size, category)
    import worldsmith.assets.procedural as proc

    cls = next(getattr(m, n) for m in (proc.kids, proc.seating, proc.counters, proc.racks) for n in dir(m)
               if n.endswith("Params") and getattr(getattr(m, n), "__dataclass_fields__", {}).get("category") is not None
               and getattr(m, n)().category == category)
    p = params_from_dict(cls, data)
    assert params_from_dict(cls, params_to_dict(p)) == p and p.category == category
