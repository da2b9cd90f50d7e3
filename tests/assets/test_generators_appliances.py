"""Appliance-group generators (appliances, bathroom, household, countertop modules): structural
variety, fronts along +Y, the parts each object must have, and category facts (a fridge's handles
reach the front, a toilet's bowl is in front of its cistern, a tub and a basin are hollow shells)."""

from __future__ import annotations

import numpy as np
import pytest

from worldsmith.assets import catalog
from worldsmith.assets.build import GENERATORS
from worldsmith.assets.surfaces import SURFACES

from tests.assets._generator_helpers import AxisRays, build, centre, draw, hi, lo, values

GROUP = ("refrigerator", "stove", "dishwasher", "washing_machine", "dryer", "sink", "toilet", "bathtub", "shower",
         "fireplace", "trash_can", "coffee_machine", "cash_register")


def _ray_down(part, x: float, y: float) -> np.ndarray:
    """z of every crossing of the vertical line through (x, y) with the part's mesh (sorted)."""
    return AxisRays([part.mesh]).hits(x, y)


def test_every_group_category_has_its_generator():
    for c in GROUP:
        assert catalog.get(c).generator == c
        assert c in GENERATORS and c in SURFACES


@pytest.mark.parametrize("category", GROUP)
def test_typical_build_is_light(category):
    size = catalog.get(category).size_typical
    small = catalog.get(category).support == "object" or category == "trash_can"
    for params, _ in draw(category, 12, seed=3):
        tris = sum(len(p.mesh.faces) for p in GENERATORS[category](params, size))
        assert tris < (1500 if small else 8000), (category, tris)


# ---------------------------------------------------------------------------------------------- kitchen


def test_refrigerator_variety_and_handles_at_the_front():
    ps = draw("refrigerator", 120)
    assert values(ps, "style") == {"single", "top_freezer", "bottom_freezer", "french_door", "side_by_side"}
    assert values(ps, "handle_style") == {"bar", "pocket", "retro"}
    assert values(ps, "dispenser") == {True, False}
    assert values(ps, "retro") == {True, False}
    for params, (w, d, h) in ps:
        parts = build("refrigerator", params, (w, d, h))
        doors = [p for n, p in parts.items() if n.startswith(("door_", "drawer_"))]
        handles = [p for n, p in parts.items() if n.startswith("handle_")]
        assert len(handles) == len(doors) >= 1
        door_front = max(hi(p)[1] for p in doors)
        for hnd in handles:
            assert hi(hnd)[1] == pytest.approx(d / 2, abs=1e-6)
            assert centre(hnd)[1] > door_front - 0.005
        assert centre(parts["body"])[1] < door_front
        n_doors = sum(n.startswith("door_") for n in parts)
        assert n_doors == (2 if params["style"] in ("french_door", "side_by_side", "top_freezer") else 1)
        if params["style"] in ("bottom_freezer", "french_door"):
            assert "drawer_0" in parts and centre(parts["drawer_0"])[2] < centre(parts["door_0"])[2]
        if params["style"] == "top_freezer":
            assert centre(parts["door_1"])[2] > centre(parts["door_0"])[2]
        assert ("dispenser" in parts) == params["dispenser"]
    (top,) = SURFACES["refrigerator"](ps[0][0], ps[0][1])
    assert top.z == pytest.approx(ps[0][1][2]) and top.clearance_m is None


def test_stove_variety_hob_and_controls():
    ps = draw("stove", 150)
    assert values(ps, "hob") == {"gas", "ceramic", "induction"}
    assert values(ps, "burner_count") == {4, 5, 6}
    assert values(ps, "controls") == {"front", "backguard"}
    assert values(ps, "oven_count") == {1, 2}
    assert values(ps, "bottom") == {"drawer", "plinth"}
    for params, (w, d, h) in ps[:60]:
        parts = build("stove", params, (w, d, h))
        assert "oven_door_0" in parts
        (hob,) = SURFACES["stove"](params, (w, d, h))
        assert hob.name == "hob" and hob.clearance_m is None
        if params["hob"] == "gas":
            assert sum(n.startswith("burner_") for n in parts) == params["burner_count"]
            assert hi(parts["grates"])[2] == pytest.approx(hob.z)  # pans stand on the grates
        else:
            assert "cooking_zones" in parts and "grates" not in parts
        door_front = hi(parts["oven_door_0"])[1]
        handles = [p for n, p in parts.items() if n.startswith("handle")]
        assert handles
        for p in handles:
            assert hi(p)[1] == pytest.approx(d / 2, abs=1e-6)
        if params["controls"] == "front":
            assert centre(parts["knobs"])[1] > door_front - 0.05  # knobs on the front fascia
        else:
            assert centre(parts["backguard"])[1] < -d / 2 + 0.05 and hi(parts["backguard"])[2] == pytest.approx(h)


def test_dishwasher_variety_door_and_top():
    ps = draw("dishwasher")
    assert values(ps, "controls") == {"front", "hidden"}
    assert values(ps, "handle_style") == {"bar", "pocket"}
    assert values(ps, "worktop") == {True, False}
    for params, (w, d, h) in ps:
        parts = build("dishwasher", params, (w, d, h))
        assert {"body", "door", "handle", "kickplate"} <= set(parts)
        assert hi(parts["handle"])[1] == pytest.approx(d / 2, abs=1e-6)
        assert centre(parts["door"])[1] > centre(parts["body"])[1]
        assert ("control_panel" in parts) == (params["controls"] == "front")
        (top,) = SURFACES["dishwasher"](params, (w, d, h))
        assert top.z == pytest.approx(h)


def test_washing_machine_front_and_top_loaders():
    ps = draw("washing_machine", 80)
    assert values(ps, "loading") == {"front", "top"}
    assert values(ps, "panel") == {"front", "backguard"}
    for params, (w, d, h) in ps:
        parts = build("washing_machine", params, (w, d, h))
        assert {"body", "control_panel", "dial"} <= set(parts)
        (s,) = SURFACES["washing_machine"](params, (w, d, h))
        if params["loading"] == "front":
            door, glass = parts["door"], parts["porthole"]
            ext = hi(door) - lo(door)
            assert ext[0] == pytest.approx(ext[2], rel=1e-3)  # a round door facing +Y
            assert hi(glass)[1] == pytest.approx(d / 2, abs=1e-6)  # the domed glass is the front-most point
            assert centre(door)[1] > centre(parts["body"])[1] + d / 2 - 0.1
            assert s.name == "top"
        else:
            assert "lid" in parts and "door" not in parts
            assert s.name == "lid" and s.z == pytest.approx(hi(parts["lid"])[2])
            assert centre(parts["control_panel"])[1] < -d / 2 + 0.1  # console at the back


def test_dryer_doors():
    ps = draw("dryer", 80)
    assert values(ps, "door_style") == {"glass", "solid", "square"}
    assert values(ps, "panel") == {"front", "backguard"}
    for params, (w, d, h) in ps:
        parts = build("dryer", params, (w, d, h))
        assert {"body", "door", "handle", "vent"} <= set(parts)
        assert max(hi(p)[1] for p in parts.values()) == pytest.approx(d / 2, abs=1e-6)
        assert centre(parts["door"])[1] > 0.0


# ---------------------------------------------------------------------------------------------- bathroom


def test_sink_variety_basin_is_a_bowl_and_faucet_behind_it():
    ps = draw("sink", 120)
    assert values(ps, "base") == {"pedestal", "vanity", "console"}
    assert values(ps, "mount") == {"drop_in", "vessel"}
    assert values(ps, "basin_shape") == {"oval", "rect", "round"}
    assert values(ps, "faucet") == {"lever", "gooseneck", "bridge"}
    assert any(len([n for n in build("sink", p, s) if n.startswith("basin")]) == 2 for p, s in ps)
    for params, (w, d, h) in ps:
        parts = build("sink", params, (w, d, h))
        basins = [p for n, p in parts.items() if n.startswith("basin")]
        faucets = [p for n, p in parts.items() if n.startswith("faucet")]
        assert basins and len(faucets) == len(basins)
        surfaces = SURFACES["sink"](params, (w, d, h))
        assert surfaces
        counter = [s for s in surfaces if s.name != "shelf"][0].z
        for b, f in zip(basins, faucets):
            assert centre(f)[1] < centre(b)[1]  # faucet behind the basin
            assert hi(f)[2] == pytest.approx(h, abs=1e-6)
            x, y = centre(b)[0], (lo(b)[1] + hi(b)[1]) / 2
            hits = _ray_down(b, x, y)
            # the top crossing at the bowl's centre is its floor, well below the rim: a real cavity
            assert hits.size >= 2
            assert hits[-1] < (hi(b)[2] if params["mount"] == "vessel" else counter) - 0.05
        if params["base"] != "pedestal":
            assert "countertop" in parts
        else:
            assert "pedestal" in parts
        if params["base"] == "vanity":
            assert any(n.startswith(("door_", "drawer_")) for n in parts)
            handles = [p for n, p in parts.items() if n.startswith("handle")]
            assert handles and all(centre(p)[1] > d / 2 - 0.05 for p in handles)
        for s in surfaces:  # counter beside the basin, never over it
            if s.name == "shelf" or params["base"] == "pedestal":
                continue
            cx, _ = s.centroid
            for b in basins:
                assert not (lo(b)[0] < cx < hi(b)[0])


def test_toilet_bowl_in_front_of_the_cistern():
    ps = draw("toilet", 80)
    assert values(ps, "bowl_shape") == {"elongated", "round"}
    assert values(ps, "base") == {"pedestal", "skirted"}
    assert values(ps, "flush") == {"button", "lever"}
    assert values(ps, "tank_style") == {"square", "rounded"}
    for params, (w, d, h) in ps:
        parts = build("toilet", params, (w, d, h))
        assert {"bowl", "tank", "tank_lid", "seat", "lid"} <= set(parts)
        bowl, tank = parts["bowl"], parts["tank"]
        assert centre(bowl)[1] > centre(tank)[1] + 0.15
        assert lo(tank)[1] == pytest.approx(-d / 2, abs=1e-6)
        assert hi(bowl)[1] == pytest.approx(d / 2, abs=1e-6)
        assert lo(parts["lid"])[2] >= hi(parts["seat"])[2] - 1e-6
        assert hi(parts["tank_lid"])[2] > hi(parts["lid"])[2] + 0.2
        x, y = 0.0, centre(bowl)[1] + 0.05
        rim = hi(bowl)[2]
        assert _ray_down(bowl, x, y)[-1] < rim - 0.1  # the bowl is hollow
        flush = parts.get("flush_button") or parts.get("flush_lever")
        assert flush is not None and centre(flush)[1] < centre(bowl)[1]
        lid, tank_top = SURFACES["toilet"](params, (w, d, h))
        assert lid.z == pytest.approx(hi(parts["lid"])[2]) and tank_top.z > lid.z


def test_bathtub_styles_and_hollow_shell():
    ps = draw("bathtub", 80)
    assert values(ps, "style") == {"built_in", "freestanding", "clawfoot"}
    assert values(ps, "tap") == {"deck", "floor", "rim"}
    assert values(ps, "caddy") == {True, False}
    for params, (w, d, h) in ps:
        parts = build("bathtub", params, (w, d, h))
        tub = parts["tub"]
        assert {"tub", "faucet", "drain"} <= set(parts)
        surfaces = SURFACES["bathtub"](params, (w, d, h))
        rim = surfaces[0].z
        hits = _ray_down(tub, centre(parts["drain"])[0], centre(parts["drain"])[1])
        assert hits.size >= 2 and hits[-1] < rim - 0.15  # the drain sits on the floor of a deep cavity
        assert hits[-1] == pytest.approx(lo(parts["drain"])[2] + 0.002, abs=0.003)
        if params["style"] == "built_in":
            assert "apron" in parts and centre(parts["apron"])[1] > d / 2 - 0.05
        if params["style"] == "clawfoot":
            assert sum(n.startswith("foot_") for n in parts) == 4 and lo(tub)[2] > 0.05
        if params["caddy"]:
            assert surfaces[-1].name == "caddy"
        # the tap end is the deeper (drain) end: the backrest slopes at the other end
        assert np.sign(centre(parts["faucet"])[0]) == np.sign(params["tap_end"])


def test_shower_enclosures():
    ps = draw("shower", 80)
    assert values(ps, "enclosure") == {"alcove", "corner", "walk_in", "quadrant"}
    assert values(ps, "head") == {"rain_round", "rain_square", "handheld"}
    assert values(ps, "framed") == {True, False}
    for params, (w, d, h) in ps:
        parts = build("shower", params, (w, d, h))
        assert {"tray", "glass", "riser", "shower_head", "mixer", "shelf"} <= set(parts)
        assert lo(parts["tray"])[2] == 0.0 and hi(parts["glass"])[2] == pytest.approx(h)
        assert lo(parts["mixer"])[1] == pytest.approx(-d / 2)  # on the back wall
        assert centre(parts["riser"])[1] < 0.0
        if params["enclosure"] in ("alcove", "corner"):
            assert "door" in parts and centre(parts["door"])[1] > d / 2 - 0.1
        (shelf,) = SURFACES["shower"](params, (w, d, h))
        assert shelf.z == pytest.approx(hi(parts["shelf"])[2])


# ---------------------------------------------------------------------------------------------- household


def test_fireplace_styles():
    ps = draw("fireplace", 80)
    assert values(ps, "style") == {"mantel", "breast", "stove", "modern"}
    assert values(ps, "lit") == {True, False}
    assert values(ps, "logs") == {True, False}
    for params, (w, d, h) in ps:
        parts = build("fireplace", params, (w, d, h))
        surfaces = SURFACES["fireplace"](params, (w, d, h))
        assert surfaces and all(s.clearance_m is None for s in surfaces)
        style = params["style"]
        if style == "mantel":
            assert {"hearth", "jamb_0", "jamb_1", "frieze", "shelf", "slip", "firebox"} <= set(parts)
            assert hi(parts["shelf"])[2] == pytest.approx(h) and surfaces[0].z == pytest.approx(h)
            assert hi(parts["hearth"])[1] == pytest.approx(d / 2)
            assert centre(parts["firebox"])[1] < centre(parts["hearth"])[1]
        elif style == "breast":
            assert {"breast", "beam", "hearth", "firebox"} <= set(parts)
            assert [s.name for s in surfaces] == ["beam", "top"]
        elif style == "stove":
            assert {"stove_body", "door", "flue", "hearth"} <= set(parts)
            assert hi(parts["flue"])[2] == pytest.approx(h)
            assert centre(parts["door_window"])[1] > centre(parts["flue"])[1]
        else:
            assert {"body", "glass", "firebox"} <= set(parts)
        assert ("flames" in parts) == (params["lit"] and "firebox" in parts)


def test_trash_can_styles():
    ps = draw("trash_can", 80)
    assert values(ps, "style") == {"pedal", "swing", "push", "open"}
    assert values(ps, "shape") == {"round", "rect"}
    assert values(ps, "liner") == {True, False}
    for params, (w, d, h) in ps:
        parts = build("trash_can", params, (w, d, h))
        body = parts["body"]
        assert SURFACES["trash_can"](params, (w, d, h)) == []
        if params["style"] == "open":
            assert "lid" not in parts
            assert _ray_down(body, 0.0, 0.0)[-1] < 0.1 * h + 0.02  # open, hollow basket
            assert ("liner" in parts) == params["liner"]
        else:
            assert "lid" in parts and lo(parts["lid"])[2] > 0.5 * h
        if params["style"] == "pedal":
            assert hi(parts["pedal"])[1] == pytest.approx(d / 2) and centre(parts["pedal"])[2] < 0.05
            assert centre(parts["hinge"])[1] < 0.0


# ---------------------------------------------------------------------------------------------- countertop


def test_coffee_machine_styles():
    ps = draw("coffee_machine", 80)
    assert values(ps, "style") == {"espresso", "drip", "pod"}
    assert values(ps, "topper") == {"cup_rail", "hopper"}
    assert any(p["groups"] == 2 for p, _ in ps)
    for params, (w, d, h) in ps:
        parts = build("coffee_machine", params, (w, d, h))
        assert SURFACES["coffee_machine"](params, (w, d, h)) == []
        if params["style"] == "espresso":
            assert {"group_head", "portafilter", "drip_tray", "steam_wand"} <= set(parts)
            assert hi(parts["portafilter"])[1] == pytest.approx(d / 2)  # handle points to the user
            assert centre(parts["drip_tray"])[2] < centre(parts["group_head"])[2]
        elif params["style"] == "drip":
            assert {"carafe", "carafe_handle", "hot_plate", "brew_head", "column"} <= set(parts)
            assert centre(parts["column"])[1] < centre(parts["carafe"])[1]
        else:
            assert {"water_tank", "drip_tray", "lever"} <= set(parts)
            assert centre(parts["water_tank"])[1] < centre(parts["drip_tray"])[1]


def test_cash_register_styles_and_screen_faces_front():
    ps = draw("cash_register", 80)
    assert values(ps, "style") == {"classic", "terminal", "tablet"}
    for params, (w, d, h) in ps:
        parts = build("cash_register", params, (w, d, h))
        assert SURFACES["cash_register"](params, (w, d, h)) == []
        assert {"drawer_base", "drawer", "screen"} <= set(parts)
        assert parts["screen"].material == "black screen"
        assert hi(parts["drawer"])[1] == pytest.approx(d / 2)
        screen = parts["screen"].mesh
        n = screen.face_normals
        big = screen.area_faces > 0.4 * screen.area_faces.max()
        assert (n[big][:, 1] > 0.3).any()  # the screen's big face looks to the front
        if params["style"] == "classic":
            assert "keys" in parts and centre(parts["keys"])[1] > centre(parts["screen"])[1]
        else:
            assert centre(parts["screen"])[1] > centre(parts["screen_housing"])[1] - 1e-9
