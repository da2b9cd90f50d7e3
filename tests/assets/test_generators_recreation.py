"""Recreation generators: pianos, pool tables, arcade cabinets, gym equipment, rugs, studio things,
bicycles and workbenches — their structure, their front (+Y) and category-specific facts."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from worldsmith.assets import catalog
from worldsmith.assets.build import GENERATORS
from worldsmith.assets.surfaces import SURFACES

from tests.assets._generator_helpers import assert_sound_and_sized, build, max_triangles, centre, draw, size_corners

CATEGORIES = ("piano", "pool_table", "arcade_machine", "treadmill", "weight_bench", "dumbbell_rack", "yoga_mat", "rug",
              "easel", "mannequin", "bicycle", "guitar", "dumbbell", "workbench")


def _typical(category: str, seed: int = 0, **overrides):
    (params, size), = draw(category, 1, seed, typical_first=1)
    params = {**params, **overrides}
    return params, size, build(category, params, size)


def _pieces(mesh) -> list[np.ndarray]:
    """The vertices of each connected piece of a merged mesh (pieces joined by shared vertices)."""
    f = mesh.faces
    n = len(mesh.vertices)
    rows = np.concatenate([f[:, 0], f[:, 1], f[:, 2]])
    cols = np.concatenate([f[:, 1], f[:, 2], f[:, 0]])
    count, labels = connected_components(coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n)), directed=False)
    return [mesh.vertices[labels == k] for k in range(count)]


def _components(mesh) -> int:
    return len(_pieces(mesh))


def _piece_centres(mesh) -> np.ndarray:
    """Centres of the bounding boxes of the connected pieces of a merged mesh."""
    return np.array([(v.min(axis=0) + v.max(axis=0)) / 2 for v in _pieces(mesh)])


def test_all_recreation_generators_are_registered():
    for c in CATEGORIES:
        assert catalog.get(c).generator == c
        assert c in GENERATORS and c in SURFACES


# ---------------------------------------------------------------------------------------------------- piano


def test_piano_variety():
    ps = [p for p, _ in draw("piano")]
    assert {p["style"] for p in ps} == {"upright", "console", "digital", "grand"}
    assert {p["lid_open"] for p in ps if p["style"] == "grand"} == {True, False}
    assert {p["key_count"] for p in ps if p["style"] == "digital"} >= {88, 76}
    assert {p["pedal_count"] for p in ps} == {2, 3}


@pytest.mark.parametrize("style,size", [("upright", (1.5, 0.6, 1.25)), ("console", (1.4, 0.6, 1.0)),
                                        ("digital", (1.35, 0.5, 0.95)), ("grand", (1.5, 1.5, 1.3))])
def test_piano_keyboard_is_at_the_front_in_the_real_pattern(style, size):
    params = {"style": style, "key_count": 88}
    parts = build("piano", params, size)
    w, d, h = size
    white, black = parts["white_keys"], parts["black_keys"]
    assert _components(white.mesh) == 52 and _components(black.mesh) == 36
    # keys at the front (+Y), black keys raised above the white ones
    assert centre(white)[1] > 0.15 * d / 2
    assert white.mesh.bounds[1][1] > max(q.mesh.bounds[1][1] for n, q in parts.items()
                                         if n not in ("white_keys", "black_keys", "key_slip", "keybed") and
                                         not n.startswith(("arm_", "cheek_", "toe_block", "leg_", "foot_", "bracket_",
                                                           "console_", "side_", "pedal"))) - 0.05
    assert black.mesh.bounds[1][2] > white.mesh.bounds[1][2] + 0.005
    # black keys from the bass (+X): A#0 alone, then groups of 2 and 3 (gaps of one or two white keys)
    xs = np.sort(_piece_centres(black.mesh)[:, 0])[::-1]
    kw = (white.mesh.bounds[1][0] - white.mesh.bounds[0][0]) / 52
    gaps = -np.diff(xs) / kw
    assert np.all((np.abs(gaps - 1) < 0.35) | (np.abs(gaps - 2) < 0.35))
    groups, run = [], 1
    for g in gaps:
        if g > 1.5:
            groups.append(run)
            run = 1
        else:
            run += 1
    groups.append(run)
    assert groups[0] == 1 and groups[1:8] == [2, 3, 2, 3, 2, 3, 2]
    assert xs[0] > 0.8 * (white.mesh.bounds[1][0])  # the lowest black key sits at the bass end


@pytest.mark.parametrize("keys,whites,blacks", [(76, 45, 31), (61, 36, 25)])
def test_digital_piano_key_counts(keys, whites, blacks):
    parts = build("piano", {"style": "digital", "key_count": keys}, (1.2, 0.5, 0.95))
    assert _components(parts["white_keys"].mesh) == whites
    assert _components(parts["black_keys"].mesh) == blacks


def test_grand_piano_case_tail_legs_and_lid():
    size = (1.5, 1.6, 1.4)
    opened = build("piano", {"style": "grand", "lid_open": True}, size)
    closed = build("piano", {"style": "grand", "lid_open": False}, (1.5, 1.6, 1.02))
    for parts in (opened, closed):
        assert sum(n.startswith("leg_") for n in parts) == 3
        case = parts["case"].mesh
        assert case.bounds[0][1] == pytest.approx(-size[1] / 2, abs=1e-6)  # the tail at -Y
        # curved treble side: the case narrows towards the tail on the -X side only
        tail = case.vertices[case.vertices[:, 1] < -0.6]
        assert tail[:, 0].min() > -0.2 and tail[:, 0].max() > 0.6
        assert sum(n.startswith("pedal_") and n[6:].isdigit() for n in parts) == 3
    assert "prop_stick" in opened and "prop_stick" not in closed
    assert opened["lid"].mesh.bounds[1][2] > opened["case"].mesh.bounds[1][2] + 0.2
    # with the lid up, only the key blocks either side of the keyboard hold anything (a metronome)
    blocks = piano_surfaces({"style": "grand", "lid_open": True}, size)
    assert [s.name for s in blocks] == ["key_block_0", "key_block_1"]
    assert blocks[0].z == pytest.approx(opened["cheek_1"].mesh.bounds[1][2])
    (top,) = piano_surfaces({"style": "grand", "lid_open": False}, (1.5, 1.6, 1.02))
    assert top.z == pytest.approx(closed["lid"].mesh.bounds[1][2])


def piano_surfaces(params, size):
    return SURFACES["piano"](params, size)


def test_upright_piano_top_is_a_surface():
    params, size, parts = _typical("piano", style="upright")
    (top,) = piano_surfaces(params, size)
    assert top.z == pytest.approx(size[2]) and top.clearance_m is None
    assert centre(parts["pedal_0"])[1] > centre(parts["case"])[1]


# ---------------------------------------------------------------------------------------------------- pool table


def test_pool_table_variety():
    ps = [p for p, _ in draw("pool_table")]
    assert {p["base"] for p in ps} == {"legs", "pedestal", "plinth"}
    assert {p["leg_count"] for p in ps} == {4, 6, 8}
    assert {p["balls"] for p in ps} == {True, False}
    assert len({p["felt_material"] for p in ps}) >= 4


def test_pool_table_pockets_cushions_and_playing_area():
    params, size, parts = _typical("pool_table", balls=True, base="legs", leg_count=6)
    w, d, h = size
    pockets = np.array([centre(parts[f"pocket_{i}"]) for i in range(6)])
    assert "pocket_6" not in parts
    corners = pockets[np.abs(pockets[:, 0]) > 0.3 * w]
    sides = pockets[np.abs(pockets[:, 0]) < 1e-6]
    assert len(corners) == 4 and len(sides) == 2
    assert sorted(np.sign(sides[:, 1])) == [-1, 1]
    assert sum(n.startswith("cushion_") for n in parts) == 6
    assert sum(n.startswith("leg_") for n in parts) == 6
    (play,) = SURFACES["pool_table"](params, size)
    assert play.z < h - 0.03 and play.clearance_m is None
    assert parts["bed"].mesh.bounds[1][2] == pytest.approx(play.z)
    # balls rest on the felt, under the rail tops
    for name in ("balls_red", "balls_yellow", "ball_black", "cue_ball"):
        assert parts[name].mesh.bounds[0][2] == pytest.approx(play.z, abs=1e-6)
        assert parts[name].mesh.bounds[1][2] <= h
    assert _components(parts["balls_red"].mesh) == 7 and _components(parts["balls_yellow"].mesh) == 7


# ---------------------------------------------------------------------------------------------------- arcade


def test_arcade_machine_variety_and_front():
    draws = draw("arcade_machine")
    assert {p["style"] for p, _ in draws} == {"classic", "modern", "candy"}
    assert {p["players"] for p, _ in draws} == {1, 2}
    for params, size in draws[:15]:
        parts = build("arcade_machine", params, size)
        w, d, h = size
        for name in ("control_panel", "joystick", "buttons", "screen", "marquee", "coin_door"):
            assert name in parts
        assert centre(parts["joystick"])[1] > 0.2 * d / 2
        assert centre(parts["control_panel"])[1] > centre(parts["screen"])[1]
        assert _components(parts["joystick"].mesh) == params["players"]
        assert _components(parts["buttons"].mesh) == params["players"] * params["buttons_per_player"]
        # the back is flat against the wall, the screen above the controls
        assert parts["side_0"].mesh.bounds[0][1] == pytest.approx(-d / 2)
        assert centre(parts["screen"])[2] > centre(parts["control_panel"])[2]
        assert parts["screen"].material == "black screen"


# ---------------------------------------------------------------------------------------------------- gym


def test_treadmill_console_at_the_back_belt_towards_plus_y():
    draws = draw("treadmill", 30)
    assert {p["style"] for p, _ in draws} == {"home", "commercial"}
    assert {p["handrails"] for p, _ in draws} == {"long", "short"}
    for params, size in draws[:10]:
        parts = build("treadmill", params, size)
        w, d, h = size
        assert centre(parts["console"])[1] < 0 and centre(parts["motor_hood"])[1] < -0.3 * d / 2
        assert parts["rear_cap"].mesh.bounds[1][1] == pytest.approx(d / 2)
        assert parts["console"].mesh.bounds[1][2] == pytest.approx(h)
        # the screen is on the console's user side (+Y) and the belt runs out to the free end
        assert centre(parts["screen"])[1] > centre(parts["console"])[1]
        assert parts["belt"].mesh.bounds[1][1] > 0.8 * d / 2
        assert {"handrail_0", "handrail_1", "upright_0", "upright_1"} <= set(parts)
        assert SURFACES["treadmill"](params, size) == []


def test_weight_bench_variety_and_structure():
    draws = draw("weight_bench")
    assert {p["style"] for p, _ in draws} == {"flat", "incline", "adjustable"}
    assert {p["rack"] for p, _ in draws} == {True, False}
    assert {p["leg_developer"] for p, _ in draws} == {True, False}
    for params, size in draws:
        parts = build("weight_bench", params, size)
        w, d, h = size
        (seat,) = SURFACES["weight_bench"](params, size)
        assert parts["seat_pad"].mesh.bounds[1][2] == pytest.approx(seat.z)
        if params["rack"] and h > 0.6:
            assert parts["rack_upright_0"].mesh.bounds[1][2] == pytest.approx(h)
            assert centre(parts["rack_upright_0"])[1] < -0.3 * d / 2  # rack at the head end
        back = parts["back_pad"].mesh
        inclined = back.bounds[1][2] > seat.z + 0.05
        if params["style"] != "adjustable":  # flat lies flat, incline rises; adjustable may do either
            assert inclined == (params["style"] == "incline")
        if inclined:  # an incline rises towards the head end (-Y)
            top = back.vertices[back.vertices[:, 2].argmax()]
            assert top[1] < centre(parts["seat_pad"])[1]
        if params["leg_developer"]:
            assert centre(parts["roller_0_0"])[1] > centre(parts["seat_pad"])[1]


def test_dumbbell_rack_holds_pairs_heavier_below():
    draws = draw("dumbbell_rack")
    assert {p["tiers"] for p, _ in draws} == {2, 3}
    assert {p["holder"] for p, _ in draws} == {"tray", "bars"}
    assert {p["dumbbell_style"] for p, _ in draws} == {"hex", "round", "plate"}
    params, size, parts = _typical("dumbbell_rack", tiers=3, fill=1.0, dumbbell_style="hex")
    assert _components(parts["handles"].mesh) % 2 == 0
    lows, highs = parts["dumbbells_0"].mesh.bounds, parts["dumbbells_2"].mesh.bounds
    assert lows[1][2] < highs[0][2]  # tier 0 is the lowest
    # bottom heads are bigger than top heads
    assert (lows[1][2] - lows[0][2]) > (highs[1][2] - highs[0][2])
    # each dumbbell lies front to back
    extents = np.array([np.ptp(v, axis=0) for v in _pieces(parts["handles"].mesh)])
    assert len(extents) >= 4 and np.all(extents[:, 1] > 2 * extents[:, 0])
    assert SURFACES["dumbbell_rack"](params, size) == []


def test_dumbbell_styles_and_heads_at_both_ends():
    draws = draw("dumbbell")
    assert {p["style"] for p, _ in draws} == {"hex", "round", "plate"}
    for params, size in draws[:20]:
        parts = build("dumbbell", params, size)
        w, d, h = size
        heads = parts["heads"].mesh
        assert _components(heads) >= 2
        assert heads.bounds[0][0] == pytest.approx(-w / 2, abs=1e-6) or params["style"] == "plate"
        assert parts["handle"].mesh.extents[0] > 2.5 * parts["handle"].mesh.extents[1]  # handle along X
        if params["style"] == "hex":  # lying on a flat face
            assert heads.bounds[0][2] == pytest.approx(0.0, abs=1e-9)
            assert np.isclose(heads.vertices[:, 2], 0.0).sum() >= 4


def test_yoga_mat_is_flat_and_long_along_y():
    draws = draw("yoga_mat")
    assert {p["pattern"] for p, _ in draws} == {"plain", "lines", "border", "ribbed"}
    assert any(p["underside_colour"] != p["colour"] for p, _ in draws)
    for params, size in draws[:10]:
        parts = build("yoga_mat", params, size)
        assert max(q.mesh.bounds[1][2] for q in parts.values()) == pytest.approx(size[2])
        assert parts["mat"].mesh.extents[1] > parts["mat"].mesh.extents[0]
        assert SURFACES["yoga_mat"](params, size) == []


# ---------------------------------------------------------------------------------------------------- rug


def test_rug_shapes_patterns_and_fringe():
    draws = draw("rug", 80)
    assert {p["shape"] for p, _ in draws} == {"rectangle", "round"}
    assert {p["pattern"] for p, _ in draws} == {"plain", "stripes", "bands", "medallion"}
    assert {p["fringe"] for p, _ in draws if p["shape"] == "rectangle"} == {True, False}
    assert not any(p["fringe"] for p, _ in draws if p["shape"] == "round")
    for params, size in draws:
        parts = build("rug", params, size)
        w, d, h = size
        assert "backing" in parts
        if "fringe" in parts:  # strands hang off the short ends only
            fr = parts["fringe"].mesh
            if w >= d:
                assert fr.bounds[0][0] == pytest.approx(-w / 2) and fr.bounds[1][1] < d / 2
            else:
                assert fr.bounds[0][1] == pytest.approx(-d / 2) and fr.bounds[1][0] < w / 2
            assert fr.bounds[1][2] < h
        if params["shape"] == "round":  # everything inside the ellipse
            for q in parts.values():
                v = q.mesh.vertices
                assert np.all((v[:, 0] / (w / 2)) ** 2 + (v[:, 1] / (d / 2)) ** 2 <= 1 + 1e-6)
        if "medallion" in parts and "field" in parts:
            assert parts["medallion"].mesh.bounds[1][2] > parts["field"].mesh.bounds[1][2]
        assert SURFACES["rug"](params, size) == []


# ---------------------------------------------------------------------------------------------------- studio


def test_easel_styles_and_canvas_on_the_ledge_facing_front():
    draws = draw("easel")
    assert {p["style"] for p, _ in draws} == {"a_frame", "tripod", "h_frame"}
    assert {p["canvas"] for p, _ in draws} == {True, False}
    assert {p["landscape"] for p, _ in draws} == {True, False}
    for params, size in draws[:20]:
        parts = build("easel", params, size)
        if "canvas" not in parts:
            continue
        canvas, ledge = parts["canvas"].mesh, parts["ledge"].mesh
        assert ledge.bounds[0][2] - 1e-6 <= canvas.bounds[0][2] <= ledge.bounds[1][2]
        # at the height of the canvas' bottom edge its face is in front of the legs
        z0 = canvas.bounds[0][2]
        front = canvas.vertices[np.abs(canvas.vertices[:, 2] - z0) < 0.01][:, 1].max()
        for n, q in parts.items():
            if n.startswith(("leg_", "upright_", "mast")):
                v = q.mesh.vertices
                near = v[np.abs(v[:, 2] - z0) < 0.15]
                if len(near):
                    assert near[:, 1].max() < front, n
        if "back_leg" in parts:
            assert centre(parts["back_leg"])[1] < centre(parts["canvas"])[1]


def test_mannequin_styles_and_front():
    draws = draw("mannequin")
    assert {p["style"] for p, _ in draws} == {"dress_form", "full_body"}
    assert {p["figure"] for p, _ in draws} == {"female", "male"}
    assert {p["base"] for p, _ in draws if p["style"] == "dress_form"} == {"tripod", "round", "star"}
    for params, size in draws[:20]:
        parts = build("mannequin", params, size)
        front = [q for n, q in parts.items() if n.startswith(("bust_", "chest"))]
        assert len(front) == (2 if params["figure"] == "female" else 1)
        assert all(centre(q)[1] > 0.02 for q in front)
        if params["style"] == "dress_form":
            assert parts["neck_cap"].mesh.bounds[1][2] == pytest.approx(size[2])
            assert parts["torso"].mesh.bounds[0][2] > 0.6
        else:
            assert parts["head"].mesh.bounds[1][2] == pytest.approx(size[2])
            assert all(centre(parts[f"foot_{i}"])[1] > centre(parts[f"shin_{i}"])[1] for i in (0, 1))


def test_guitar_stands_upright_strings_to_the_front():
    draws = draw("guitar")
    assert {p["style"] for p, _ in draws} == {"acoustic", "electric"}
    for params, size in draws[:20]:
        parts = build("guitar", params, size)
        w, d, h = size
        assert parts["headstock"].mesh.bounds[1][2] > h - 0.03  # its length is the height
        assert centre(parts["body"])[2] < 0.4 * h
        assert parts["strings"].mesh.bounds[1][1] > d / 2 - 0.004
        assert centre(parts["stand_post"])[1] < centre(parts["body"])[1]
        assert ("sound_hole" in parts) == (params["style"] == "acoustic")
        assert ("pickups" in parts) == (params["style"] == "electric")
        assert _components(parts["frets"].mesh) >= 12
        frets = np.sort(_piece_centres(parts["frets"].mesh)[:, 2])[::-1]
        assert np.all(np.diff(-frets) > 0) and -np.diff(frets)[-1] < -np.diff(frets)[0]  # closer towards the body


# ---------------------------------------------------------------------------------------------------- bicycle


def test_bicycle_long_axis_x_front_wheel_plus_x():
    draws = draw("bicycle")
    assert {p["style"] for p, _ in draws} == {"road", "city", "mountain", "fixie"}
    assert {p["frame"] for p, _ in draws} == {"diamond", "step_through"}
    assert {p["bars"] for p, _ in draws} == {"drop", "flat", "riser", "swept"}
    for key in ("fenders", "rack", "basket", "kickstand"):
        assert {p[key] for p, _ in draws} == {True, False}
    for params, size in draws[:20]:
        parts = build("bicycle", params, size)
        w, d, h = size
        rear, front = parts["rear_wheel_tyre"].mesh, parts["front_wheel_tyre"].mesh
        assert rear.bounds[0][0] == pytest.approx(-w / 2, abs=1e-6)
        assert front.bounds[1][0] == pytest.approx(w / 2, abs=1e-6)
        assert rear.bounds[0][2] == pytest.approx(0.0, abs=1e-6) and front.bounds[0][2] == pytest.approx(0.0, abs=1e-6)
        assert centre(parts["fork"])[0] > 0 and centre(parts["saddle"])[0] < centre(parts["handlebar"])[0]
        bar = [parts["handlebar"].mesh] + [parts[n].mesh for n in ("grips", "brake_hoods") if n in parts]
        assert min(m.bounds[0][1] for m in bar) == pytest.approx(-d / 2, abs=2e-3)
        assert centre(parts["chainring"])[1] < 0  # drive side
        assert _components(parts["front_wheel_spokes"].mesh) == params["spokes"]


# ---------------------------------------------------------------------------------------------------- workbench


def test_workbench_variety_surfaces_and_front():
    draws = draw("workbench")
    assert {p["frame"] for p, _ in draws} == {"wood", "steel"}
    assert {p["back"] for p, _ in draws} == {"none", "pegboard", "riser"}
    for key in ("shelf", "vise", "casters"):
        assert {p[key] for p, _ in draws} == {True, False}
    for params, size in draws[:30]:
        parts = build("workbench", params, size)
        w, d, h = size
        surfaces = SURFACES["workbench"](params, size)
        names = [s.name for s in surfaces]
        top = surfaces[names.index("top")]
        assert parts["top"].mesh.bounds[1][2] == pytest.approx(top.z)
        if "shelf" in parts:
            shelf = surfaces[names.index("shelf")]
            assert shelf.z < top.z
            assert shelf.clearance_m == pytest.approx(top.z - parts["top"].mesh.extents[2] - shelf.z)
        if "vise_jaw" in parts:
            assert centre(parts["vise_jaw"])[1] > centre(parts["top"])[1]
            assert parts["vise_handle"].mesh.bounds[1][1] == pytest.approx(d / 2)
        if "pegboard" in parts:
            assert parts["pegboard"].mesh.bounds[0][1] == pytest.approx(-d / 2) and top.z < h
        if "riser_shelf" in parts:
            assert surfaces[-1].name == "riser_shelf" and surfaces[-1].z == pytest.approx(h)
        assert sum(n.startswith("drawer_") and n[7:].isdigit() for n in parts) == params["drawers"]


def test_no_surfaces_on_things_nothing_is_put_on():
    for c in ("arcade_machine", "treadmill", "dumbbell_rack", "yoga_mat", "rug", "easel", "mannequin", "bicycle",
              "guitar", "dumbbell"):
        for params, size in draw(c, 5):
            assert SURFACES[c](params, size) == []


# ---------------------------------------------------------------------------------------------------- all


@pytest.mark.parametrize("category", CATEGORIES)
def test_light_at_typical_size(category):
    info = catalog.get(category)
    triangles = max_triangles(category, draw(category, 10, seed=3, size=info.size_typical))
    assert triangles < (2000 if info.support == "object" else 8000)


@pytest.mark.parametrize("category", CATEGORIES)
def test_exact_size_at_the_corners_of_the_size_range(category):
    for size in size_corners(category):
        for params, size in draw(category, 6, seed=5, size=size):
            assert_sound_and_sized(GENERATORS[category](params, size), size, where=(category, size))
