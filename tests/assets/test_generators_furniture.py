"""Furniture-group generators (kids, seating, counters, racks modules): structural variety over
many samples, the front along +Y, the parts each object must have, and category facts (a bunk bed's
mattresses lie one above the other with room between, a crib's rails enclose its mattress, a bar's
top overhangs the customers' side, a wine rack's bottle necks point forward...)."""

from __future__ import annotations

import numpy as np
import pytest

from worldsmith.assets import catalog, support_surfaces
from worldsmith.assets.build import GENERATORS
from worldsmith.scene import AssetRef, ObjectInstance

from tests.assets._generator_helpers import (
    assert_sound_and_sized, assert_surfaces_on_mesh, build, max_triangles, centre, draw, hi, lo, size_corners,
)

GROUP = ("bunk_bed", "crib", "changing_table", "toy_chest", "wall_shelf", "bar_counter", "checkout_counter",
         "rocking_chair", "stool", "bench", "floor_cushion", "pet_bed", "wine_rack", "clothing_rack", "coat_rack",
         "coat_hook")
NO_SURFACES = {"coat_rack"}  # nothing is put on a coat stand


def _starting(parts: dict, prefix: str) -> list:
    return [p for n, p in parts.items() if n.startswith(prefix)]


def _object(category: str, params: dict, size) -> ObjectInstance:
    return ObjectInstance("o", category, AssetRef("procedural", category, params), (0.0, 0.0, 0.0), size)


def _surfaces(category: str, params: dict, size) -> list:
    return support_surfaces(_object(category, params, size))


def _assert_surfaces_on_mesh(category: str, params: dict, size) -> None:
    obj = _object(category, params, size)
    assert_surfaces_on_mesh(obj, support_surfaces(obj))


# ----------------------------------------------------------------------------------------------
# all of the group


def test_group_is_registered_under_its_category_names():
    for c in GROUP:
        assert catalog.get(c).generator == c
        assert c in GENERATORS


@pytest.mark.parametrize("category", GROUP)
def test_light_at_typical_size(category):
    size = catalog.get(category).size_typical
    assert max_triangles(category, draw(category, 12, seed=3, size=size)) < 8000


@pytest.mark.parametrize("category", GROUP)
def test_parts_are_sound_and_exactly_sized_at_the_range_corners(category):
    for size in size_corners(category):
        for params, size in draw(category, 6, seed=5, size=size):
            assert_sound_and_sized(GENERATORS[category](params, size), size, where=(category, size))
            _assert_surfaces_on_mesh(category, params, size)


def test_surfaces_exist_except_on_coat_stands():
    for c in GROUP:
        for params, size in draw(c, 10, seed=2):
            s = _surfaces(c, params, size)
            if c in NO_SURFACES:
                assert s == []
            elif c in ("clothing_rack", "coat_hook"):  # only a shelf, when there is one
                assert bool(s) == ("shelf" in build(c, params, size))
            else:
                assert s, c
            assert [x.index for x in s] == list(range(len(s)))


# ----------------------------------------------------------------------------------------------
# kids


def test_bunk_bed_variety_and_two_mattresses_one_above_the_other():
    draws = draw("bunk_bed")
    ps = [p for p, _ in draws]
    assert {p["frame_style"] for p in ps} == {"wood", "metal"}
    assert {p["ladder"] for p in ps} == {"side", "end"}
    assert {p["guard_style"] for p in ps} == {"slats", "panel", "bars"}
    assert {p["end_style"] for p in ps} == {"slats", "panel", "bars"}
    for params, size in draws[:25]:
        w, d, h = size
        parts = build("bunk_bed", params, size)
        lower, upper = parts["mattress_lower"], parts["mattress_upper"]
        assert lo(upper)[2] - hi(lower)[2] > 0.5  # sitting room below
        assert abs(centre(upper)[0] - centre(lower)[0]) < 1e-6 and abs(centre(upper)[1] - centre(lower)[1]) < 1e-6
        assert len(_starting(parts, "post_")) == 4 and all(hi(p)[2] == pytest.approx(h) for p in _starting(parts, "post_"))
        # guard rails round the upper bunk reach well above its mattress
        guards = _starting(parts, "guard_") + _starting(parts, "upper_end_")
        assert max(hi(g)[2] for g in guards) >= hi(upper)[2] + 0.15
        assert {n.split("_")[1] for n in parts if n.startswith("guard_")} == {"0", "1"}
        # a ladder from the floor to the upper bunk, with rungs
        rails = _starting(parts, "ladder_rail_")
        assert len(rails) == 2 and all(lo(r)[2] == pytest.approx(0.0) for r in rails)
        assert all(hi(r)[2] >= lo(upper)[2] for r in rails)
        assert len(_starting(parts, "ladder_rung_")) >= 3
        if params["ladder"] == "end":
            assert all(hi(r)[1] == pytest.approx(d / 2) for r in rails)  # on the foot end (+Y)
        else:
            assert all(abs(centre(r)[0]) > w / 2 - 0.05 and centre(r)[1] > 0 for r in rails)  # long side, foot half
        for p in _starting(parts, "pillow_"):
            assert centre(p)[1] < -d / 4  # pillows at the head (-Y)
        s = _surfaces("bunk_bed", params, size)
        assert [x.name for x in s] == ["mattress_lower", "mattress_upper"]
        assert s[0].z == pytest.approx(hi(lower)[2]) and s[1].z == pytest.approx(hi(upper)[2])
        assert s[0].clearance_m > 0.5 and s[1].clearance_m is None


def test_crib_variety_and_rails_enclose_the_mattress():
    draws = draw("crib")
    ps = [p for p, _ in draws]
    assert {p["end_style"] for p in ps} == {"panel", "arched", "slats"}
    assert {p["side_style"] for p in ps} == {"slats", "spindles"}
    assert {p["base"] for p in ps} == {"legs", "casters"}
    for params, size in draws[:20]:
        w, d, h = size
        parts = build("crib", params, size)
        m = parts["mattress"]
        posts = _starting(parts, "post_")
        assert len(posts) == 4
        px = min(lo(p)[0] for p in posts if centre(p)[0] > 0)
        py = min(lo(p)[1] for p in posts if centre(p)[1] > 0)
        assert hi(m)[0] <= px + 1e-6 and hi(m)[1] <= py + 1e-6 and lo(m)[0] >= -px - 1e-6 and lo(m)[1] >= -py - 1e-6
        for i in (0, 1):
            top = parts[f"side_top_rail_{i}"]
            assert lo(top)[2] > hi(m)[2] + 0.2  # high rails above the mattress on both long sides
            ys = sorted(centre(p)[1] for p in _starting(parts, f"side_slat_{i}_"))
            assert len(ys) >= 10 and max(np.diff(ys)) < 0.085  # slats close together
        (s,) = _surfaces("crib", params, size)
        assert s.name == "mattress" and s.clearance_m is None and s.z == pytest.approx(hi(m)[2])


def test_changing_table_variety_rails_and_pad():
    draws = draw("changing_table")
    ps = [p for p, _ in draws]
    assert {p["base"] for p in ps} == {"shelves", "drawers", "mixed"}
    assert {p["pad_layout"] for p in ps} == {"full", "side"}
    assert {p["rail_style"] for p in ps} == {"board", "spindles"}
    assert {p["legs"] for p in ps} == {True, False}
    for params, size in draws[:25]:
        w, d, h = size
        parts = build("changing_table", params, size)
        pad = parts["pad"]
        rails = [p for n, p in parts.items() if n.startswith("rail_")]
        assert max(hi(r)[2] for r in rails) >= hi(pad)[2] + 0.02
        back = [p for n, p in parts.items() if n.startswith("rail_back")]
        assert back and all(centre(p)[1] < -d / 2 + 0.05 for p in back)  # back rail at -Y
        assert all(centre(r)[1] < 0 for r in rails if hi(r)[0] - lo(r)[0] > 0.5 * w)  # no rail across the front
        for p in _starting(parts, "handle_"):
            assert centre(p)[1] > d / 2 - 0.05 and hi(p)[1] <= d / 2 + 1e-6  # handles on the front
        s = _surfaces("changing_table", params, size)
        assert s[-1].name == "pad" and s[-1].clearance_m is None
        assert s[-1].z == pytest.approx(hi(pad)[2])
        for x in s:
            if x.name.startswith("shelf_"):
                assert x.clearance_m > 0.1
        if params["base"] == "drawers":
            assert not any(x.name.startswith("shelf_") for x in s)


def test_toy_chest_variety_lid_and_handles():
    draws = draw("toy_chest")
    ps = [p for p, _ in draws]
    assert {p["lid_style"] for p in ps} == {"flat", "framed", "cushioned"}
    assert {p["base"] for p in ps} == {"plinth", "feet", "casters"}
    assert {p["front_style"] for p in ps} == {"plain", "panel", "slats"}
    assert {p["handles"] for p in ps} == {"rope", "metal"}
    for params, size in draws[:20]:
        w, d, h = size
        parts = build("toy_chest", params, size)
        lid, body = parts["lid"], parts["body"]
        assert lo(lid)[2] >= hi(body)[2] - 1e-6
        assert lo(lid)[0] <= lo(body)[0] and hi(lid)[1] >= hi(body)[1]
        handles = _starting(parts, "handle_")
        assert len(handles) == 2 and all(abs(centre(p)[0]) > 0.4 * w for p in handles)
        for p in _starting(parts, "front_panel") + _starting(parts, "slat_front_"):
            assert centre(p)[1] > 0
        (s,) = _surfaces("toy_chest", params, size)
        assert s.z == pytest.approx(h) and s.clearance_m is None


# ----------------------------------------------------------------------------------------------
# seating


def test_rocking_chair_variety_rockers_and_back():
    draws = draw("rocking_chair")
    ps = [p for p, _ in draws]
    assert {p["back_style"] for p in ps} == {"spindles", "ladder", "solid", "upholstered"}
    assert {p["arms"] for p in ps} == {True, False}
    assert {p["seat_style"] for p in ps} == {"wood", "cushion", "woven"}
    for params, size in draws[:20]:
        w, d, h = size
        parts = build("rocking_chair", params, size)
        rockers = _starting(parts, "rocker_")
        assert len(rockers) == 2
        for r in rockers:
            assert lo(r)[1] == pytest.approx(-d / 2) and hi(r)[1] == pytest.approx(d / 2)
            v = r.mesh.vertices
            bottom_ends = v[np.abs(np.abs(v[:, 1]) - d / 2) < 1e-9][:, 2].min()
            assert bottom_ends > 0.005  # curved: the ends are off the floor
            assert lo(r)[2] == pytest.approx(0.0)
        seat = parts["seat"]
        backs = [p for n, p in parts.items() if n.startswith(("back", "top_rail", "spindle_"))]
        assert backs and all(centre(b)[1] < centre(seat)[1] for b in backs)
        assert max(hi(b)[2] for b in backs) == pytest.approx(h)
        assert bool(_starting(parts, "armrest_")) == params["arms"]
        (s,) = _surfaces("rocking_chair", params, size)
        assert s.name == "seat" and 0.3 <= s.z <= 0.5


def test_stool_variety_legs_and_footring():
    draws = draw("stool")
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
        parts = build("stool", params, size)
        assert hi(parts["seat"])[2] == pytest.approx(h)
        legs = _starting(parts, "leg_")
        if params["base"] == "legs":
            assert len(legs) == params["leg_count"]
            for leg in legs:
                v = leg.mesh.vertices
                foot = v[v[:, 2] < 1e-9][:, :2].mean(axis=0)
                top = v[v[:, 2] > hi(leg)[2] - 1e-9][:, :2].mean(axis=0)
                if params["splay"]:
                    assert np.linalg.norm(foot) > np.linalg.norm(top) + 0.01
            if params["footring"] and h >= 0.35:
                assert _starting(parts, "footring") or _starting(parts, "stretcher_")
                seen_ring = True
        else:
            assert "column" in parts and "base" in parts and not legs
    assert seen_ring


def test_bench_variety_backrest_when_tall_and_slats():
    draws = draw("bench")
    ps = [p for p, _ in draws]
    assert {p["seat_style"] for p in ps} == {"slats", "solid", "upholstered"}
    assert {p["base"] for p in ps} == {"legs", "panel", "frame"}
    assert {p["lower_shelf"] for p in ps} == {True, False}
    backs = 0
    for params, size in draws[:30]:
        parts = build("bench", params, size)
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
    for params, size in draw("bench", 30, seed=4, size=tall):
        parts = build("bench", params, size)
        posts = _starting(parts, "back_post_")
        if params["backrest"]:
            backs += 1
            assert posts and all(centre(p)[1] < 0 for p in posts)
            assert min(lo(p)[1] for p in parts.values()) == pytest.approx(-tall[1] / 2, abs=1e-3)
            assert max(hi(p)[2] for p in posts) == pytest.approx(tall[2])
        _assert_surfaces_on_mesh("bench", params, size)
    assert backs >= 5


def test_floor_cushion_cushions_low_poufs_tall():
    draws = draw("floor_cushion")
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
        parts = build("floor_cushion", params, size)
        assert "cushion" in parts and len(parts) >= 2
        (s,) = _surfaces("floor_cushion", params, size)
        assert s.z == pytest.approx(size[2]) and s.clearance_m is None


def test_pet_bed_shapes_and_open_front():
    draws = draw("pet_bed")
    assert {p["shape"] for p, _ in draws} == {"round", "oval", "rectangle", "cot"}
    for params, size in draws[:30]:
        w, d, h = size
        parts = build("pet_bed", params, size)
        (s,) = _surfaces("pet_bed", params, size)
        if params["shape"] == "round":
            b = parts["bolster"]
            np.testing.assert_allclose(hi(b) - lo(b), size, atol=1e-3)
        elif params["shape"] == "oval":
            b = parts["bolster"]
            assert hi(b)[1] < d / 2 - 0.03 and lo(b)[1] == pytest.approx(-d / 2, abs=1e-3)  # open at the front
        elif params["shape"] == "rectangle":
            if params["front_dip"]:
                assert hi(parts["bolster_front"])[2] < hi(parts["bolster_back"])[2]
        else:
            assert len(_starting(parts, "leg_")) == 4 and "bed" in parts
        if params["shape"] != "cot":
            assert s.z < h and s.z == pytest.approx(hi(parts["cushion"])[2])


# ----------------------------------------------------------------------------------------------
# counters


def test_bar_counter_customers_in_front_staff_behind():
    draws = draw("bar_counter")
    ps = [p for p, _ in draws]
    assert {p["layout"] for p in ps} == {"single", "two_level"}
    assert {p["front_style"] for p in ps} == {"plain", "slats", "tiles", "framed"}
    assert {p["foot_rail"] for p in ps} == {True, False}
    for params, size in draws[:25]:
        w, d, h = size
        parts = build("bar_counter", params, size)
        top, wall = parts["top"], parts["front_wall"]
        assert hi(top)[2] == pytest.approx(h) and hi(top)[1] == pytest.approx(d / 2)
        assert hi(top)[1] - hi(wall)[1] >= 0.1  # knee room under the overhang
        assert ("foot_rail" in parts) == params["foot_rail"]
        assert ("work_top" in parts) == (params["layout"] == "two_level")
        if "foot_rail" in parts:
            rail = parts["foot_rail"]
            assert centre(rail)[1] > hi(wall)[1] and hi(rail)[2] < 0.35
        shelves = _starting(parts, "shelf_")
        assert shelves and all(centre(sh)[1] < lo(wall)[1] for sh in shelves)  # shelves on the staff side
        s = _surfaces("bar_counter", params, size)
        assert s[-1].name == "top" and s[-1].z == pytest.approx(h)
        if "work_top" in parts:
            wt = parts["work_top"]
            assert hi(wt)[2] < lo(top)[2] and centre(wt)[1] < centre(top)[1]
            assert any(x.name == "work_top" for x in s)


def test_checkout_counter_styles_and_sides():
    draws = draw("checkout_counter")
    ps = [p for p, _ in draws]
    assert {p["style"] for p in ps} == {"ledge", "belt"}
    assert {p["staff_side"] for p in ps} == {"doors", "shelves"}
    assert {p["front_style"] for p in ps} == {"plain", "slats", "framed"}
    for params, size in draws[:25]:
        w, d, h = size
        parts = build("checkout_counter", params, size)
        assert lo(parts["cash_drawer"])[1] == pytest.approx(-d / 2)  # the cashier's side
        s = _surfaces("checkout_counter", params, size)
        if params["style"] == "ledge":
            ledge = parts["ledge"]
            assert hi(ledge)[2] == pytest.approx(h) and lo(ledge)[1] > 0 and hi(ledge)[1] == pytest.approx(d / 2)
            assert hi(parts["work_top"])[2] < lo(ledge)[2]
            assert [x.name for x in s][-2:] == ["work_top", "ledge"]
        else:
            tower = parts["scanner_tower"]
            assert hi(tower)[2] == pytest.approx(h) and centre(tower)[1] < 0
            belt = parts["belt"]
            g = _starting(parts, "belt_guard_")
            assert len(g) == 2 and min(centre(x)[1] for x in g) < centre(belt)[1] < max(centre(x)[1] for x in g)
            assert "belt" in [x.name for x in s]


# ----------------------------------------------------------------------------------------------
# racks


def test_wall_shelf_styles_back_on_the_wall_and_tiers_when_tall():
    draws = draw("wall_shelf")
    assert {p["style"] for p, _ in draws} >= {"floating", "bracketed", "ledge"}
    for params, size in draws[:30]:
        w, d, h = size
        parts = build("wall_shelf", params, size)
        boards = _starting(parts, "board")
        assert boards and all(lo(b)[1] == pytest.approx(-d / 2) for b in boards)
        assert min(lo(p)[1] for p in parts.values()) == pytest.approx(-d / 2)
    tall = (0.9, 0.25, 0.5)
    styles = set()
    for params, size in draw("wall_shelf", 30, seed=3, size=tall):
        parts = build("wall_shelf", params, size)
        styles.add(params["style"])
        s = _surfaces("wall_shelf", params, size)
        assert len(s) >= 2 and len(s) == len(_starting(parts, "board"))
        assert all(x.clearance_m > 0.1 for x in s[:-1]) and s[-1].clearance_m is None
        assert [x.z for x in s] == sorted(x.z for x in s)
        _assert_surfaces_on_mesh("wall_shelf", params, size)
    assert "tiered" in styles


def test_wine_rack_styles_bottles_point_forward():
    draws = draw("wine_rack")
    ps = [p for p, _ in draws]
    assert {p["style"] for p in ps} == {"grid", "diamond", "rails"}
    assert {p["bottom_shelf"] for p in ps} == {True, False}
    with_bottles = 0
    for params, size in draws[:30]:
        w, d, h = size
        parts = build("wine_rack", params, size)
        assert "top" in parts and hi(parts["top"])[2] == pytest.approx(h)
        if params["style"] == "diamond":
            assert "lattice" in parts
        if "bottle_capsules" in parts:
            with_bottles += 1
            bottles = _starting(parts, "bottles_")
            assert bottles
            assert centre(parts["bottle_capsules"])[1] > max(centre(b)[1] for b in bottles)  # necks to the front
            assert all(hi(b)[1] <= d / 2 and lo(b)[1] >= -d / 2 for b in bottles)
        s = _surfaces("wine_rack", params, size)
        assert s[-1].name == "top"
        if len(s) == 2:
            assert s[0].name == "bottom_shelf" and s[0].clearance_m > 0.15
    assert with_bottles >= 20


def test_clothing_rack_rod_garments_and_shelf():
    draws = draw("clothing_rack")
    ps = [p for p, _ in draws]
    assert {p["style"] for p in ps} == {"tube", "wood", "pipe"}
    assert {p["bottom_shelf"] for p in ps} == {True, False}
    assert 0 in {p["garments"] for p in ps} and max(p["garments"] for p in ps) >= 5
    for params, size in draws[:30]:
        w, d, h = size
        parts = build("clothing_rack", params, size)
        rod = parts["rod"]
        assert hi(rod)[0] - lo(rod)[0] > 0.8 * w and lo(rod)[2] > 0.85 * h
        garments = _starting(parts, "garment_")
        assert len(garments) == len(_starting(parts, "hanger_")) == params["garments"]
        for g in garments:
            assert hi(g)[2] < lo(rod)[2] and abs(centre(g)[1]) < 1e-6
        s = _surfaces("clothing_rack", params, size)
        assert len(s) == (1 if "shelf" in parts else 0)
        if s:
            assert s[0].z == pytest.approx(hi(parts["shelf"])[2])
            assert all(lo(g)[2] > s[0].z + 0.05 for g in garments)


def test_coat_rack_hooks_up_high_and_bases():
    draws = draw("coat_rack")
    ps = [p for p, _ in draws]
    assert {p["base"] for p in ps} == {"legs", "disc", "cross"}
    assert {p["hook_style"] for p in ps} == {"curl", "peg", "double"}
    assert {p["tiers"] for p in ps} == {1, 2}
    for params, size in draws[:20]:
        w, d, h = size
        parts = build("coat_rack", params, size)
        hooks = [p for n, p in parts.items() if n.startswith("hook_") and n.split("_")[-1].isdigit()
                 and not n.startswith(("hook_tip", "hook_upper", "hook_collar"))]
        assert len(hooks) == params["hook_count"] * params["tiers"]
        assert all(centre(x)[2] > 0.6 * h for x in hooks)
        assert hi(parts["pole"])[2] > 0.9 * h
        assert _surfaces("coat_rack", params, size) == []


def test_coat_hook_count_follows_width_and_faces_front():
    draws = draw("coat_hook")
    ps = [p for p, _ in draws]
    assert {p["mount"] for p in ps} == {"board", "plate", "none"}
    assert {p["hook_style"] for p in ps} == {"j", "double", "peg", "knob"}
    assert any(p["shelf"] for p in ps)
    params = ps[0]
    counts = [len([n for n in build("coat_hook", params, (w, 0.08, 0.15)) if n.startswith("hook_") and n[5:].isdigit()])
              for w in (0.06, 0.4, 1.2)]
    assert counts[0] == 1 and counts == sorted(counts) and 3 <= counts[-1] <= 6
    for params, size in draws[:30]:
        w, d, h = size
        parts = build("coat_hook", params, size)
        back = [p for n, p in parts.items() if n in ("rail", "plate") or n.startswith("plate_")]
        assert back and all(lo(b)[1] == pytest.approx(-d / 2) for b in back)
        hooks = [p for n, p in parts.items() if n.startswith("hook_") and n[5:].isdigit()]
        assert hooks and all(centre(x)[1] > hi(back[0])[1] - 0.01 for x in hooks)
        s = _surfaces("coat_hook", params, size)
        assert len(s) == (1 if "shelf" in parts else 0)


@pytest.mark.parametrize("category", GROUP)
def test_defaults_build_and_params_round_trip(category):
    from worldsmith.assets.procedural import params_from_dict, params_to_dict
    from worldsmith.assets.procedural.params import SAMPLERS

    size = catalog.get(category).size_typical
    parts = GENERATORS[category]({}, size)
    assert len(parts) >= 2
    assert_sound_and_sized(parts, size, where=category)
    data = SAMPLERS[category](np.random.default_rng(0), size, category)
    import worldsmith.assets.procedural as proc

    cls = next(getattr(m, n) for m in (proc.kids, proc.seating, proc.counters, proc.racks) for n in dir(m)
               if n.endswith("Params") and getattr(getattr(m, n), "__dataclass_fields__", {}).get("category") is not None
               and getattr(m, n)().category == category)
    p = params_from_dict(cls, data)
    assert params_from_dict(cls, params_to_dict(p)) == p and p.category == category
