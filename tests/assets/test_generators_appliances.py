"""Appliance-group generators (appliances, bathroom, household, countertop modules): structural
variety, fronts along +Y, the parts each object must have, and category facts (a fridge's handles
reach the front, a toilet's bowl is in front of its cistern, a tub and a basin are hollow shells)."""

from __future__ import annotations

import numpy as np
import pytest

from worldsmith.assets import catalog
from worldsmith.assets.build import GENERATORS
from worldsmith.assets.procedural import sample_params
from worldsmith.assets.surfaces import SURFACES

GROUP = ("refrigerator", "stove", "dishwasher", "washing_machine", "dryer", "sink", "toilet", "bathtub", "shower",
         "fireplace", "trash_can", "coffee_machine", "cash_register")


def _size(category: str, rng: np.random.Generator) -> tuple[float, float, float]:
    info = catalog.get(category)
    return tuple(round(float(rng.uniform(a, b)), 3) for a, b in zip(info.size_min, info.size_max))  # type: ignore


def _draw(category: str, n: int = 60, seed: int = 1) -> list[tuple[dict, tuple[float, float, float]]]:
    """``n`` (params, size) pairs at sizes spread over the category's range."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        size = _size(category, rng)
        out.append((sample_params(category, category, rng, size), size))
    return out


def _build(category: str, params: dict, size) -> dict:
    return {p.name: p for p in GENERATORS[category](params, size)}


def _lo(part) -> np.ndarray:
    return part.mesh.bounds[0]


def _hi(part) -> np.ndarray:
    return part.mesh.bounds[1]


def _c(part) -> np.ndarray:
    return part.mesh.bounds.mean(axis=0)


def _ray_down(part, x: float, y: float) -> np.ndarray:
    """z of every crossing of the vertical line through (x, y) with the part's mesh."""
    tri = part.mesh.vertices[part.mesh.faces]
    a, v0, v1 = tri[:, 0], tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]
    den = v0[:, 0] * v1[:, 1] - v1[:, 0] * v0[:, 1]
    ok = np.abs(den) > 1e-14
    den = np.where(ok, den, 1.0)
    px, py = x - a[:, 0], y - a[:, 1]
    u = (px * v1[:, 1] - v1[:, 0] * py) / den
    v = (v0[:, 0] * py - px * v0[:, 1]) / den
    inside = ok & (u >= -1e-9) & (v >= -1e-9) & (u + v <= 1 + 1e-9)
    return np.sort((a[:, 2] + u * v0[:, 2] + v * v1[:, 2])[inside])


def _values(samples, key):
    return {p[key] for p, _ in samples}


def test_every_group_category_has_its_generator():
    for c in GROUP:
        assert catalog.get(c).generator == c
        assert c in GENERATORS and c in SURFACES


@pytest.mark.parametrize("category", GROUP)
def test_typical_build_is_light(category):
    size = catalog.get(category).size_typical
    small = catalog.get(category).support == "object" or category == "trash_can"
    for params, _ in _draw(category, 12, seed=3):
        tris = sum(len(p.mesh.faces) for p in GENERATORS[category](params, size))
        assert tris < (1500 if small else 8000), (category, tris)


# ---------------------------------------------------------------------------------------------- kitchen


def test_refrigerator_variety_and_handles_at_the_front():
    ps = _draw("refrigerator", 120)
    assert _values(ps, "style") == {"single", "top_freezer", "bottom_freezer", "french_door", "side_by_side"}
    assert _values(ps, "handle_style") == {"bar", "pocket", "retro"}
    assert _values(ps, "dispenser") == {True, False}
    assert _values(ps, "retro") == {True, False}
    for params, (w, d, h) in ps:
        parts = _build("refrigerator", params, (w, d, h))
        doors = [p for n, p in parts.items() if n.startswith(("door_", "drawer_"))]
        handles = [p for n, p in parts.items() if n.startswith("handle_")]
        assert len(handles) == len(doors) >= 1
        door_front = max(_hi(p)[1] for p in doors)
        for hnd in handles:
            assert _hi(hnd)[1] == pytest.approx(d / 2, abs=1e-6)
            assert _c(hnd)[1] > door_front - 0.005
        assert _c(parts["body"])[1] < door_front
        n_doors = sum(n.startswith("door_") for n in parts)
        assert n_doors == (2 if params["style"] in ("french_door", "side_by_side", "top_freezer") else 1)
        if params["style"] in ("bottom_freezer", "french_door"):
            assert "drawer_0" in parts and _c(parts["drawer_0"])[2] < _c(parts["door_0"])[2]
        if params["style"] == "top_freezer":
            assert _c(parts["door_1"])[2] > _c(parts["door_0"])[2]
        if params["dispenser"]:
            assert "dispenser" in parts
    (top,) = SURFACES["refrigerator"](ps[0][0], ps[0][1])
    assert top.z == pytest.approx(ps[0][1][2]) and top.clearance_m is None


def test_stove_variety_hob_and_controls():
    ps = _draw("stove", 150)
    assert _values(ps, "hob") == {"gas", "ceramic", "induction"}
    assert _values(ps, "burner_count") == {4, 5, 6}
    assert _values(ps, "controls") == {"front", "backguard"}
    assert _values(ps, "oven_count") == {1, 2}
    assert _values(ps, "bottom") == {"drawer", "plinth"}
    for params, (w, d, h) in ps[:60]:
        parts = _build("stove", params, (w, d, h))
        assert "oven_door_0" in parts
        (hob,) = SURFACES["stove"](params, (w, d, h))
        assert hob.name == "hob" and hob.clearance_m is None
        if params["hob"] == "gas":
            assert sum(n.startswith("burner_") for n in parts) == params["burner_count"]
            assert _hi(parts["grates"])[2] == pytest.approx(hob.z)  # pans stand on the grates
        else:
            assert "cooking_zones" in parts and "grates" not in parts
        door_front = _hi(parts["oven_door_0"])[1]
        for n, p in parts.items():
            if n.startswith("handle"):
                assert _hi(p)[1] == pytest.approx(d / 2, abs=1e-6)
        if params["controls"] == "front":
            assert _c(parts["knobs"])[1] > door_front - 0.05  # knobs on the front fascia
        else:
            assert _c(parts["backguard"])[1] < -d / 2 + 0.05 and _hi(parts["backguard"])[2] == pytest.approx(h)


def test_dishwasher_variety_door_and_top():
    ps = _draw("dishwasher")
    assert _values(ps, "controls") == {"front", "hidden"}
    assert _values(ps, "handle_style") == {"bar", "pocket"}
    assert _values(ps, "worktop") == {True, False}
    for params, (w, d, h) in ps:
        parts = _build("dishwasher", params, (w, d, h))
        assert {"body", "door", "handle", "kickplate"} <= set(parts)
        assert _hi(parts["handle"])[1] == pytest.approx(d / 2, abs=1e-6)
        assert _c(parts["door"])[1] > _c(parts["body"])[1]
        assert ("control_panel" in parts) == (params["controls"] == "front")
        (top,) = SURFACES["dishwasher"](params, (w, d, h))
        assert top.z == pytest.approx(h)


def test_washing_machine_front_and_top_loaders():
    ps = _draw("washing_machine", 80)
    assert _values(ps, "loading") == {"front", "top"}
    assert _values(ps, "panel") == {"front", "backguard"}
    for params, (w, d, h) in ps:
        parts = _build("washing_machine", params, (w, d, h))
        assert {"body", "control_panel", "dial"} <= set(parts)
        (s,) = SURFACES["washing_machine"](params, (w, d, h))
        if params["loading"] == "front":
            door, glass = parts["door"], parts["porthole"]
            ext = _hi(door) - _lo(door)
            assert ext[0] == pytest.approx(ext[2], rel=1e-3)  # a round door facing +Y
            assert _hi(glass)[1] == pytest.approx(d / 2, abs=1e-6)  # the domed glass is the front-most point
            assert _c(door)[1] > _c(parts["body"])[1] + d / 2 - 0.1
            assert s.name == "top"
        else:
            assert "lid" in parts and "door" not in parts
            assert s.name == "lid" and s.z == pytest.approx(_hi(parts["lid"])[2])
            assert _c(parts["control_panel"])[1] < -d / 2 + 0.1  # console at the back


def test_dryer_doors():
    ps = _draw("dryer", 80)
    assert _values(ps, "door_style") == {"glass", "solid", "square"}
    assert _values(ps, "panel") == {"front", "backguard"}
    for params, (w, d, h) in ps:
        parts = _build("dryer", params, (w, d, h))
        assert {"body", "door", "handle", "vent"} <= set(parts)
        assert max(_hi(p)[1] for p in parts.values()) == pytest.approx(d / 2, abs=1e-6)
        assert _c(parts["door"])[1] > 0.0


# ---------------------------------------------------------------------------------------------- bathroom


def test_sink_variety_basin_is_a_bowl_and_faucet_behind_it():
    ps = _draw("sink", 120)
    assert _values(ps, "base") == {"pedestal", "vanity", "console"}
    assert _values(ps, "mount") == {"drop_in", "vessel"}
    assert _values(ps, "basin_shape") == {"oval", "rect", "round"}
    assert _values(ps, "faucet") == {"lever", "gooseneck", "bridge"}
    assert any(len([n for n in _build("sink", p, s) if n.startswith("basin")]) == 2 for p, s in ps)
    for params, (w, d, h) in ps:
        parts = _build("sink", params, (w, d, h))
        basins = [p for n, p in parts.items() if n.startswith("basin")]
        faucets = [p for n, p in parts.items() if n.startswith("faucet")]
        assert basins and len(faucets) == len(basins)
        surfaces = SURFACES["sink"](params, (w, d, h))
        assert surfaces
        counter = [s for s in surfaces if s.name != "shelf"][0].z
        for b, f in zip(basins, faucets):
            assert _c(f)[1] < _c(b)[1]  # faucet behind the basin
            assert _hi(f)[2] == pytest.approx(h, abs=1e-6)
            x, y = _c(b)[0], (_lo(b)[1] + _hi(b)[1]) / 2
            hits = _ray_down(b, x, y)
            # the top crossing at the bowl's centre is its floor, well below the rim: a real cavity
            assert hits.size >= 2
            assert hits[-1] < (_hi(b)[2] if params["mount"] == "vessel" else counter) - 0.05
        if params["base"] != "pedestal":
            assert "countertop" in parts
        else:
            assert "pedestal" in parts
        if params["base"] == "vanity":
            assert any(n.startswith(("door_", "drawer_")) for n in parts)
            for n, p in parts.items():
                if n.startswith("handle"):
                    assert _c(p)[1] > d / 2 - 0.05
        for s in surfaces:  # counter beside the basin, never over it
            if s.name == "shelf" or params["base"] == "pedestal":
                continue
            cx, _ = s.centroid
            for b in basins:
                assert not (_lo(b)[0] < cx < _hi(b)[0])


def test_toilet_bowl_in_front_of_the_cistern():
    ps = _draw("toilet", 80)
    assert _values(ps, "bowl_shape") == {"elongated", "round"}
    assert _values(ps, "base") == {"pedestal", "skirted"}
    assert _values(ps, "flush") == {"button", "lever"}
    assert _values(ps, "tank_style") == {"square", "rounded"}
    for params, (w, d, h) in ps:
        parts = _build("toilet", params, (w, d, h))
        assert {"bowl", "tank", "tank_lid", "seat", "lid"} <= set(parts)
        bowl, tank = parts["bowl"], parts["tank"]
        assert _c(bowl)[1] > _c(tank)[1] + 0.15
        assert _lo(tank)[1] == pytest.approx(-d / 2, abs=1e-6)
        assert _hi(bowl)[1] == pytest.approx(d / 2, abs=1e-6)
        assert _lo(parts["lid"])[2] >= _hi(parts["seat"])[2] - 1e-6
        assert _hi(parts["tank_lid"])[2] > _hi(parts["lid"])[2] + 0.2
        x, y = 0.0, _c(bowl)[1] + 0.05
        rim = _hi(bowl)[2]
        assert _ray_down(bowl, x, y)[-1] < rim - 0.1  # the bowl is hollow
        flush = parts.get("flush_button") or parts.get("flush_lever")
        assert flush is not None and _c(flush)[1] < _c(bowl)[1]
        lid, tank_top = SURFACES["toilet"](params, (w, d, h))
        assert lid.z == pytest.approx(_hi(parts["lid"])[2]) and tank_top.z > lid.z


def test_bathtub_styles_and_hollow_shell():
    ps = _draw("bathtub", 80)
    assert _values(ps, "style") == {"built_in", "freestanding", "clawfoot"}
    assert _values(ps, "tap") == {"deck", "floor", "rim"}
    assert _values(ps, "caddy") == {True, False}
    for params, (w, d, h) in ps:
        parts = _build("bathtub", params, (w, d, h))
        tub = parts["tub"]
        assert {"tub", "faucet", "drain"} <= set(parts)
        surfaces = SURFACES["bathtub"](params, (w, d, h))
        rim = surfaces[0].z
        hits = _ray_down(tub, _c(parts["drain"])[0], _c(parts["drain"])[1])
        assert hits.size >= 2 and hits[-1] < rim - 0.15  # the drain sits on the floor of a deep cavity
        assert hits[-1] == pytest.approx(_lo(parts["drain"])[2] + 0.002, abs=0.003)
        if params["style"] == "built_in":
            assert "apron" in parts and _c(parts["apron"])[1] > d / 2 - 0.05
        if params["style"] == "clawfoot":
            assert sum(n.startswith("foot_") for n in parts) == 4 and _lo(tub)[2] > 0.05
        if params["caddy"]:
            assert surfaces[-1].name == "caddy"
        # the tap end is the deeper (drain) end: the backrest slopes at the other end
        assert np.sign(_c(parts["faucet"])[0]) == np.sign(params["tap_end"])


def test_shower_enclosures():
    ps = _draw("shower", 80)
    assert _values(ps, "enclosure") == {"alcove", "corner", "walk_in", "quadrant"}
    assert _values(ps, "head") == {"rain_round", "rain_square", "handheld"}
    assert _values(ps, "framed") == {True, False}
    for params, (w, d, h) in ps:
        parts = _build("shower", params, (w, d, h))
        assert {"tray", "glass", "riser", "shower_head", "mixer", "shelf"} <= set(parts)
        assert _lo(parts["tray"])[2] == 0.0 and _hi(parts["glass"])[2] == pytest.approx(h)
        assert _lo(parts["mixer"])[1] == pytest.approx(-d / 2)  # on the back wall
        assert _c(parts["riser"])[1] < 0.0
        if params["enclosure"] in ("alcove", "corner"):
            assert "door" in parts and _c(parts["door"])[1] > d / 2 - 0.1
        (shelf,) = SURFACES["shower"](params, (w, d, h))
        assert shelf.z == pytest.approx(_hi(parts["shelf"])[2])


# ---------------------------------------------------------------------------------------------- household


def test_fireplace_styles():
    ps = _draw("fireplace", 80)
    assert _values(ps, "style") == {"mantel", "breast", "stove", "modern"}
    assert _values(ps, "lit") == {True, False}
    assert _values(ps, "logs") == {True, False}
    for params, (w, d, h) in ps:
        parts = _build("fireplace", params, (w, d, h))
        surfaces = SURFACES["fireplace"](params, (w, d, h))
        assert surfaces and all(s.clearance_m is None for s in surfaces)
        style = params["style"]
        if style == "mantel":
            assert {"hearth", "jamb_0", "jamb_1", "frieze", "shelf", "slip", "firebox"} <= set(parts)
            assert _hi(parts["shelf"])[2] == pytest.approx(h) and surfaces[0].z == pytest.approx(h)
            assert _hi(parts["hearth"])[1] == pytest.approx(d / 2)
            assert _c(parts["firebox"])[1] < _c(parts["hearth"])[1]
        elif style == "breast":
            assert {"breast", "beam", "hearth", "firebox"} <= set(parts)
            assert [s.name for s in surfaces] == ["beam", "top"]
        elif style == "stove":
            assert {"stove_body", "door", "flue", "hearth"} <= set(parts)
            assert _hi(parts["flue"])[2] == pytest.approx(h)
            assert _c(parts["door_window"])[1] > _c(parts["flue"])[1]
        else:
            assert {"body", "glass", "firebox"} <= set(parts)
        if params["lit"] and "firebox" in parts and "grate" in parts:
            assert "flames" in parts


def test_trash_can_styles():
    ps = _draw("trash_can", 80)
    assert _values(ps, "style") == {"pedal", "swing", "push", "open"}
    assert _values(ps, "shape") == {"round", "rect"}
    assert _values(ps, "liner") == {True, False}
    for params, (w, d, h) in ps:
        parts = _build("trash_can", params, (w, d, h))
        body = parts["body"]
        assert SURFACES["trash_can"](params, (w, d, h)) == []
        if params["style"] == "open":
            assert "lid" not in parts
            assert _ray_down(body, 0.0, 0.0)[-1] < 0.1 * h + 0.02  # open, hollow basket
            assert ("liner" in parts) == params["liner"]
        else:
            assert "lid" in parts and _lo(parts["lid"])[2] > 0.5 * h
        if params["style"] == "pedal":
            assert _hi(parts["pedal"])[1] == pytest.approx(d / 2) and _c(parts["pedal"])[2] < 0.05
            assert _c(parts["hinge"])[1] < 0.0


# ---------------------------------------------------------------------------------------------- countertop


def test_coffee_machine_styles():
    ps = _draw("coffee_machine", 80)
    assert _values(ps, "style") == {"espresso", "drip", "pod"}
    assert _values(ps, "topper") == {"cup_rail", "hopper"}
    assert any(p["groups"] == 2 for p, _ in ps)
    for params, (w, d, h) in ps:
        parts = _build("coffee_machine", params, (w, d, h))
        assert SURFACES["coffee_machine"](params, (w, d, h)) == []
        if params["style"] == "espresso":
            assert {"group_head", "portafilter", "drip_tray", "steam_wand"} <= set(parts)
            assert _hi(parts["portafilter"])[1] == pytest.approx(d / 2)  # handle points to the user
            assert _c(parts["drip_tray"])[2] < _c(parts["group_head"])[2]
        elif params["style"] == "drip":
            assert {"carafe", "carafe_handle", "hot_plate", "brew_head", "column"} <= set(parts)
            assert _c(parts["column"])[1] < _c(parts["carafe"])[1]
        else:
            assert {"water_tank", "drip_tray", "lever"} <= set(parts)
            assert _c(parts["water_tank"])[1] < _c(parts["drip_tray"])[1]


def test_cash_register_styles_and_screen_faces_front():
    ps = _draw("cash_register", 80)
    assert _values(ps, "style") == {"classic", "terminal", "tablet"}
    for params, (w, d, h) in ps:
        parts = _build("cash_register", params, (w, d, h))
        assert SURFACES["cash_register"](params, (w, d, h)) == []
        assert {"drawer_base", "drawer", "screen"} <= set(parts)
        assert parts["screen"].material == "black screen"
        assert _hi(parts["drawer"])[1] == pytest.approx(d / 2)
        screen = parts["screen"].mesh
        n = screen.face_normals
        big = screen.area_faces > 0.4 * screen.area_faces.max()
        assert (n[big][:, 1] > 0.3).any()  # the screen's big face looks to the front
        if params["style"] == "classic":
            assert "keys" in parts and _c(parts["keys"])[1] > _c(parts["screen"])[1]
        else:
            assert _c(parts["screen"])[1] > _c(parts["screen_housing"])[1] - 1e-9
