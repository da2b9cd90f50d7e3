"""Small-object generators (tableware, media, textiles, containers): variety, orientation and the
facts specific to each object. The generic suites (test_generators.py, test_support_surfaces.py)
cover determinism, exact size, watertight parts and surfaces for every registered category."""

from __future__ import annotations


import numpy as np
import pytest

from worldsmith.assets import catalog
from worldsmith.assets.build import GENERATORS
from worldsmith.assets.surfaces import SURFACES

from tests.assets._generator_helpers import AxisRays, build, centre, draw, values

SMALL = ("book", "magazine", "vase", "mug", "cup", "glass", "plate", "bowl", "bottle", "wine_bottle", "jar", "laptop",
         "keyboard", "pillow", "candle", "towel", "box", "toy", "paint_can", "shoe", "folded_clothes", "speaker")


def _typical(category: str, seed: int = 0) -> tuple[dict, tuple[float, float, float]]:
    return draw(category, 1, seed, typical_first=1)[0]


def _hits_along_y(part, x: float, z: float) -> np.ndarray:
    """y of the crossings of the line through (x, z) parallel to Y with the part's surface (sorted)."""
    return AxisRays([part.mesh], axis=1).hits(x, z)


def test_every_small_category_has_its_own_generator():
    for name in SMALL:
        info = catalog.get(name)
        assert info.generator == name and name in GENERATORS and name in SURFACES
        assert info.support == "object"


@pytest.mark.parametrize("category", SMALL)
def test_light(category):
    """< 1.5k triangles for any sampled size (build times: bench/assets.py)."""
    for params, size in draw(category, 30, seed=4):
        assert sum(len(p.mesh.faces) for p in GENERATORS[category](params, size)) < 1500


@pytest.mark.parametrize("category", SMALL)
def test_stands_on_its_bottom(category):
    """Every sample reaches down to z = 0, where the surface it is put on is."""
    for params, size in draw(category, 20, seed=6):
        parts = GENERATORS[category](params, size)
        bottom = min(float(p.mesh.bounds[0][2]) for p in parts)
        assert bottom == pytest.approx(0.0, abs=1e-6)


# --- tableware ----------------------------------------------------------------------------------


def test_vase_variety_and_flowers():
    s = draw("vase")
    assert values(s, "shape") == {"cylinder", "flared", "bulb", "amphora", "bud", "cone"}
    assert values(s, "flowers") == {True, False}
    assert values(s, "base") == {"foot", "stand"}
    for params, size in s:
        parts = build("vase", params, size)
        assert "body" in parts
        if params["flowers"]:
            body_top = parts["body"].mesh.bounds[1][2]
            assert parts["flowers"].mesh.bounds[1][2] == pytest.approx(size[2], abs=1e-6)
            assert centre(parts["flowers"])[2] > body_top
            assert parts["stems"].material == "green leaves"
        else:
            assert parts["body"].mesh.bounds[1][2] == pytest.approx(size[2], abs=1e-6)


def test_mug_handle_sticks_out_along_the_long_side():
    s = draw("mug")
    assert values(s, "shape") == {"straight", "tapered", "barrel", "bell"}
    assert values(s, "handle_shape") == {"round", "square", "ear"}
    assert values(s, "dipped") == {True, False} and values(s, "enamel_rim") == {True, False}
    for params, size in s:
        parts = build("mug", params, size)
        w, d, _ = size
        handle, body = parts["handle"], parts["body"]
        axis = 1 if d > w else 0
        assert handle.mesh.bounds[1][axis] == pytest.approx(size[axis] / 2.0, abs=1e-6)
        assert centre(handle)[axis] > centre(body)[axis] + 0.01
        assert abs(centre(handle)[1 - axis]) < 0.005


def test_cup_styles_saucers_and_handles():
    s = draw("cup", 80)
    assert values(s, "style") == {"teacup", "espresso", "takeaway", "handleless"}
    assert values(s, "saucer") == {True, False}
    for params, size in s:
        parts = build("cup", params, size)
        if params["style"] == "takeaway":
            assert {"body", "lid"} <= set(parts) and "handle" not in parts
            assert parts["lid"].mesh.bounds[1][2] == pytest.approx(size[2], abs=1e-6)
        if params["style"] in ("teacup", "espresso"):
            assert centre(parts["handle"])[0] > centre(parts["body"])[0]
        if params["saucer"]:
            saucer, body = parts["saucer"], parts["body"]
            assert saucer.mesh.bounds[0][2] == pytest.approx(0.0, abs=1e-9)
            assert body.mesh.bounds[0][2] > 0.0  # the cup sits in the saucer
            if "handle" in parts:  # the handle stays over the saucer
                assert parts["handle"].mesh.bounds[1][0] < size[0] / 2.0


def test_glass_tumblers_and_stemmed_glasses():
    s = draw("glass", 80)
    assert values(s, "style") == {"tumbler", "stemmed"}
    assert values(s, "drink") == {"none", "amber", "ice"}
    assert {p["bowl_shape"] for p, _ in s if p["style"] == "stemmed"} >= {"wine", "flute"}
    for params, size in s:
        parts = build("glass", params, size)
        if params["style"] == "stemmed":
            stem, bowl = parts["stem"], parts["bowl"]
            assert np.ptp(stem.mesh.vertices[:, 0]) < 0.3 * size[0]  # a slender stem
            assert bowl.mesh.bounds[0][2] >= stem.mesh.bounds[1][2] - 0.01
        if params["drink"] != "none":
            assert parts["drink"].mesh.bounds[1][2] < size[2]
            assert parts["drink"].material == "amber glass"


def test_plate_profiles_stacks_and_well_surface():
    s = draw("plate")
    assert values(s, "style") == {"rimmed", "coupe", "deep"}
    assert max(p["stack"] for p, _ in s) > 1
    for params, size in s:
        parts = build("plate", params, size)
        plates = [p for n, p in parts.items() if n.startswith("plate")]
        assert len(plates) == params["stack"]
        (surface,) = SURFACES["plate"](params, size)
        assert 0.0 < surface.z < size[2]
        assert surface.clearance_m is None
        if len(plates) > 1:
            zs = [float(p.mesh.bounds[0][2]) for p in plates]
            assert zs == sorted(zs) and zs[-1] > zs[0]


def test_bowl_is_hollow():
    s = draw("bowl")
    assert values(s, "shape") == {"round", "conical", "footed", "straight", "wide"}
    assert any(p["fruit"] for p, _ in s)
    for params, size in s[:20]:
        parts = build("bowl", params, size)
        rays = AxisRays([parts["bowl"].mesh])
        hits = rays.hits(0.0, 0.0)
        assert hits.max() < 0.35 * size[2]  # the inside floor is low: the bowl is open
        rim = rays.hits(0.0, 0.97 * size[1] / 2.0)
        assert rim.size and rim.max() > 0.6 * size[2]


def test_bottles_and_wine_bottles_are_capped():
    s = draw("bottle")
    assert values(s, "shape") == {"water", "beer", "sports", "flask", "oil"}
    for params, size in s:
        parts = build("bottle", params, size)
        top = max(parts[n].mesh.bounds[1][2] for n in ("cap", "cap_loop") if n in parts)
        assert top == pytest.approx(size[2], abs=1e-6)
        assert np.ptp(parts["cap"].mesh.vertices[:, 0]) < size[0]
    s = draw("wine_bottle")
    assert values(s, "shape") == {"bordeaux", "burgundy", "hock", "champagne"}
    assert values(s, "capsule") == {True, False}
    for params, size in s:
        parts = build("wine_bottle", params, size)
        top = parts["capsule"] if params["capsule"] else parts["cork"]
        assert top.mesh.bounds[1][2] == pytest.approx(size[2], abs=1e-6)
        assert "label" in parts and centre(parts["label"])[2] < 0.5 * size[2]


def test_jar_lids_sit_on_top():
    s = draw("jar")
    assert values(s, "shape") == {"mason", "canister", "apothecary", "round"}
    assert values(s, "lid_style") == {"screw", "wood", "glass_knob", "cork"}
    for params, size in s:
        parts = build("jar", params, size)
        assert parts["lid"].mesh.bounds[1][2] == pytest.approx(size[2], abs=1e-6)
        assert parts["lid"].mesh.bounds[0][2] > 0.5 * size[2]


def test_candle_styles_wax_wick_and_flame():
    s = draw("candle", 80)
    assert values(s, "style") == {"pillar", "taper", "votive", "jar"}
    assert values(s, "lit") == {True, False}
    for params, size in s:
        parts = build("candle", params, size)
        assert parts["wax"].material == "candle wax" and "wick" in parts
        if params["lit"]:
            flame = parts["flame"]
            assert flame.material == "warm light"
            assert flame.mesh.bounds[1][2] == pytest.approx(size[2], abs=1e-6)
            assert flame.mesh.bounds[0][2] > parts["wax"].mesh.bounds[0][2]
        else:
            assert "flame" not in parts


# --- media ----------------------------------------------------------------------------------------


def test_book_stands_upright_with_its_spine_at_plus_y():
    s = draw("book")
    assert values(s, "binding") == {"hardcover", "paperback"}
    assert any(p["spine_bands"] for p, _ in s)
    size = catalog.get("book").size_typical
    assert size[0] < size[1] < size[2]  # thickness along X: books stand upright
    for params, size in s:
        parts = build("book", params, size)
        spine, pages = parts["spine"], parts["pages"]
        assert spine.mesh.bounds[1][1] == pytest.approx(size[1] / 2.0, abs=2e-3)
        assert centre(spine)[1] > centre(pages)[1]
        assert pages.material.endswith("paper")
        xs = sorted(centre(parts[f"cover_{i}"])[0] for i in (0, 1))
        assert xs[0] < centre(pages)[0] < xs[1]  # the boards on the +-X faces


def test_magazine_stack_top_surface():
    s = draw("magazine")
    assert values(s, "kind") == {"magazine", "newspaper"}
    assert max(p["count"] for p, _ in s) > 1
    for params, size in s:
        (top,) = SURFACES["magazine"](params, size)
        assert top.z == pytest.approx(size[2], abs=1e-6) and top.clearance_m is None


def test_laptop_screen_faces_plus_y_and_hinge_is_at_the_back():
    opened = 0
    for params, size in draw("laptop"):
        parts = build("laptop", params, size)
        assert parts["screen"].material == "black screen"
        if size[2] <= 0.045:  # closed
            assert "keys" not in parts
            continue
        opened += 1
        base, lid, screen = parts["base"], parts["lid"], parts["screen"]
        assert centre(lid)[1] < centre(base)[1]  # the lid rises from the back
        # looking from the user's side (+Y) at the middle of the screen, the screen is what one sees
        c = centre(screen)
        lid_hits = _hits_along_y(lid, c[0], c[2])
        screen_hits = _hits_along_y(screen, c[0], c[2])
        assert screen_hits.size and screen_hits.max() > lid_hits.max()
        assert centre(parts["trackpad"])[1] > centre(parts["keys"])[1]
        assert centre(parts["spacebar"])[1] > centre(parts["keys"])[1]
        assert lid.mesh.bounds[1][2] > 0.8 * size[2]
    assert opened >= 30
    params, _ = _typical("laptop")
    closed = build("laptop", params, (0.32, 0.22, 0.02))
    assert "keys" not in closed and "screen" in closed
    (lid,) = SURFACES["laptop"](params, (0.32, 0.22, 0.02))
    assert lid.z == pytest.approx(0.02) and lid.name == "lid"


def test_keyboard_layouts_and_front_row():
    s = draw("keyboard")
    assert values(s, "layout") == {"full", "tkl", "compact"}
    assert values(s, "key_style") == {"low", "tall"}
    counts = {}
    for params, size in s:
        parts = build("keyboard", params, size)
        keys, space = parts["keys"], parts["spacebar"]
        assert centre(space)[1] > centre(keys)[1]  # the space bar row is the front (+Y) row
        assert np.ptp(space.mesh.vertices[:, 0]) > 4.0 * np.ptp(space.mesh.vertices[:, 1])
        counts.setdefault(params["layout"], set()).add(len(keys.mesh.faces) // 12)
        if "wrist_rest" in parts:
            assert centre(parts["wrist_rest"])[1] > centre(keys)[1]
    assert max(counts["compact"]) < min(counts["tkl"]) < min(counts["full"])


def test_speaker_drivers_face_plus_y():
    s = draw("speaker", 80)
    assert values(s, "style") == {"box", "tower", "cylinder", "pill"}
    for params, size in s:
        parts = build("speaker", params, size)
        style = params["style"]
        if style in ("box", "tower"):
            cab = parts["cabinet"]
            drivers = [p for n, p in parts.items() if n.startswith(("woofer", "tweeter"))]
            assert len(drivers) >= (3 if style == "tower" else 2)
            for p in drivers:
                assert centre(p)[1] > centre(cab)[1]
                assert p.mesh.bounds[1][1] > cab.mesh.bounds[1][1]
            woofers = [p for n, p in parts.items() if n.startswith("woofer")]
            assert centre(parts["tweeter"])[2] > max(centre(p)[2] for p in woofers)
        else:
            assert "grille" in parts
        if "grille" in parts and style in ("box", "tower"):
            assert parts["grille"].mesh.bounds[1][1] == pytest.approx(size[1] / 2.0, abs=1e-6)


# --- textiles --------------------------------------------------------------------------------------


def test_pillow_styles_and_puff():
    s = draw("pillow", 150)
    assert values(s, "style") == {"knife", "boxed", "round", "bolster"}
    assert values(s, "piping") == {True, False} and values(s, "tufted") == {True, False}
    for params, size in s:
        parts = build("pillow", params, size)
        if params["style"] == "bolster" and size[0] > 1.2 * size[2]:
            assert "cushion" in parts
            continue
        front, back = parts["front"], parts["back"]
        assert centre(front)[1] > 0.0 > centre(back)[1]
        # puffy: thickest in the middle, thin at the seam
        assert front.mesh.bounds[1][1] > 0.3 * size[1]


def test_towels_stacked_or_rolled():
    s = draw("towel")
    assert values(s, "style") == {"stack", "rolled"}
    for params, size in s:
        parts = build("towel", params, size)
        if params["style"] == "stack":
            towels = [p for n, p in sorted(parts.items()) if n.startswith("towel_")]
            zs = [float(p.mesh.bounds[0][2]) for p in towels]
            assert zs == sorted(zs)
            (top,) = SURFACES["towel"](params, size)
            assert top.z == pytest.approx(towels[-1].mesh.bounds[1][2]) and top.z == pytest.approx(size[2], abs=2e-3)
        else:
            assert any(n.startswith("roll_") for n in parts)
            assert SURFACES["towel"](params, size) == []


def test_folded_clothes_stack_of_different_colours():
    s = draw("folded_clothes")
    kinds = set().union(*(set(p["garments"]) for p, _ in s))
    assert kinds == {"tshirt", "shirt", "sweater", "jeans"}
    assert {len(p["garments"]) for p, _ in s} >= {2, 3, 4, 5}
    for params, size in s:
        parts = build("folded_clothes", params, size)
        garments = [parts[f"garment_{i}"] for i in range(len(params["garments"]))]
        assert 2 <= len(garments) <= 5
        assert len({g.material for g in garments}) == len(garments)
        zs = [float(g.mesh.bounds[0][2]) for g in garments]
        assert zs == sorted(zs)
        (top,) = SURFACES["folded_clothes"](params, size)
        assert top.z == pytest.approx(size[2], abs=1e-6)


def test_shoes_come_in_pairs_toes_at_plus_y():
    s = draw("shoe", 80)
    assert values(s, "style") == {"sneaker", "dress", "loafer", "boot"}
    for params, size in s:
        parts = build("shoe", params, size)
        uppers = [p for n, p in parts.items() if n.startswith("upper")]
        assert len(uppers) == (2 if size[0] >= 0.15 else 1)
        if len(uppers) == 2:
            assert sorted(centre(p)[0] for p in uppers)[0] < 0.0 < sorted(centre(p)[0] for p in uppers)[1]
        for n, p in parts.items():
            if n.startswith("opening"):  # the foot goes in at the back (-Y)
                assert centre(p)[1] < 0.0
            if n.startswith("shaft"):
                assert p.mesh.bounds[1][2] == pytest.approx(size[2], abs=1e-6)


# --- containers ------------------------------------------------------------------------------------


def test_box_styles_and_top_surfaces():
    s = draw("box")
    assert values(s, "style") == {"closed", "open", "storage", "crate"}
    for params, size in s:
        parts = build("box", params, size)
        surfaces = SURFACES["box"](params, size)
        if params["style"] in ("closed", "storage"):
            (top,) = surfaces
            assert top.z == pytest.approx(size[2])
        else:
            assert surfaces == []
        if params["style"] == "open":
            assert sum(n.startswith("flap_") for n in parts) == 4
        if params["style"] == "crate":
            assert sum(n.startswith("slats_") for n in parts) >= 2 and "floor" in parts


def test_toy_kinds():
    s = draw("toy", 150)
    assert values(s, "kind") == {"car", "teddy", "blocks", "ball", "robot", "rings", "duck"}
    for params, size in s:
        parts = build("toy", params, size)
        kind = params["kind"]
        if kind == "teddy":
            assert centre(parts["head"])[2] > centre(parts["body"])[2]
            assert centre(parts["muzzle"])[1] > centre(parts["head"])[1]  # it faces +Y
        elif kind == "car":
            assert len(parts["wheels"].mesh.split(only_watertight=False)) == 4
            assert parts["wheels"].mesh.bounds[0][2] == pytest.approx(0.0, abs=1e-6)
        elif kind == "blocks":
            assert sum(n.startswith("block_") for n in parts) >= 3
        elif kind == "duck":
            assert centre(parts["beak"])[1] > centre(parts["body"])[1]
        elif kind == "rings":
            zs = [centre(parts[n])[2] for n in sorted(parts) if n.startswith("ring_")]
            assert zs == sorted(zs)


def test_paint_can_bail_and_lid():
    s = draw("paint_can")
    assert values(s, "open") == {True, False} and values(s, "bail_up") == {True, False}
    for params, size in s:
        parts = build("paint_can", params, size)
        assert ("paint" in parts) == params["open"] and ("lid" in parts) != params["open"]
        bail = parts["bail"]
        if params["bail_up"]:
            assert bail.mesh.bounds[1][2] == pytest.approx(size[2], abs=1e-3)
        else:
            assert bail.mesh.bounds[1][2] < parts["body"].mesh.bounds[1][2]
