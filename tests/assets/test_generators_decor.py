"""Decor generators: wall pieces (paintings, posters, mirrors, clocks, whiteboards, neon signs), screens,
curtains, lights and plants. Category-specific facts on top of the generic generator suites."""

from __future__ import annotations

import numpy as np
import pytest

from worldsmith.assets import catalog
from worldsmith.assets.build import GENERATORS
from worldsmith.assets.procedural import params_to_dict, sample_params
from worldsmith.assets.procedural.lighting import TableLampParams, build_table_lamp
from worldsmith.assets.procedural.screens import MonitorParams, TvParams, build_monitor, build_tv
from worldsmith.assets.procedural.wall_decor import ClockParams, NeonSignParams, build_clock, build_neon_sign
from worldsmith.assets.surfaces import SURFACES

from tests.assets._generator_helpers import build, draw as _draw_range, hi, lo

DECOR = ("painting", "poster", "mirror", "tv", "monitor", "clock", "whiteboard", "neon_sign", "curtain",
         "ceiling_light", "pendant_light", "chandelier", "ceiling_fan", "floor_lamp", "table_lamp", "potted_plant",
         "small_plant", "picture_frame")
WALL = ("painting", "poster", "mirror", "clock", "whiteboard", "neon_sign", "tv", "curtain")
CEILING = ("ceiling_light", "pendant_light", "chandelier", "ceiling_fan")
SMALL = ("table_lamp", "small_plant", "picture_frame", "monitor")


def _draw(category: str, n: int = 60, seed: int = 1) -> list[tuple[dict, tuple[float, float, float]]]:
    """``n`` sampled (params, size) pairs: the typical size first, then sizes anywhere in the prior."""
    return _draw_range(category, n, seed, typical_first=1)


def _inside(inner, outer, tol: float = 1e-3) -> bool:
    return bool(np.all(lo(inner) >= lo(outer) - tol) and np.all(hi(inner) <= hi(outer) + tol))


def _front_area(part) -> float:
    """Area of the part's faces looking along +Y."""
    m = part.mesh
    return float(m.area_faces[m.face_normals[:, 1] > 0.95].sum())


# ---------------------------------------------------------------------------------------------
# every generator
# ---------------------------------------------------------------------------------------------


def test_all_decor_generators_are_registered_under_their_category():
    for c in DECOR:
        assert catalog.get(c).generator == c
        assert c in GENERATORS and c in SURFACES


@pytest.mark.parametrize("category", DECOR)
def test_nothing_stands_on_decor_and_builds_are_deterministic(category):
    for params, size in _draw(category, 6, seed=3):
        assert SURFACES[category](params, size) == []
        a, b = GENERATORS[category](params, size), GENERATORS[category](dict(params), size)
        assert [p.name for p in a] == [p.name for p in b]
        for x, y in zip(a, b):
            assert x.mesh.vertices.tobytes() == y.mesh.vertices.tobytes() and x.material == y.material


@pytest.mark.parametrize("category", DECOR)
def test_defaults_build_and_triangle_budget(category):
    size = catalog.get(category).size_typical
    assert len(GENERATORS[category]({}, size)) >= 2
    limit = 2500 if category in SMALL else 12000
    for params, _ in _draw(category, 12, seed=4):
        tris = sum(len(p.mesh.faces) for p in GENERATORS[category](params, size))
        assert tris <= limit, (category, tris)


@pytest.mark.parametrize("category", WALL)
def test_wall_pieces_hang_with_their_back_on_the_wall(category):
    for params, size in _draw(category, 20, seed=5):
        w, d, h = size
        parts = list(build(category, params, size).values())
        on_wall = [p for p in parts if abs(lo(p)[1] + d / 2) < 1e-3]
        assert on_wall, category
        if category not in ("tv", "curtain"):  # framed pieces: a full-size back on the wall
            span = np.max([hi(p) - lo(p) for p in on_wall], axis=0)
            assert span[0] >= 0.8 * w and span[2] >= 0.8 * h, (category, span)


@pytest.mark.parametrize("category", CEILING)
def test_ceiling_pieces_reach_the_ceiling_with_a_canopy(category):
    for params, size in _draw(category, 20, seed=6):
        parts = build(category, params, size)
        assert hi(parts["canopy"])[2] == pytest.approx(size[2], abs=1e-3)


LIGHTS = ("ceiling_light", "pendant_light", "chandelier", "ceiling_fan", "floor_lamp", "table_lamp")


@pytest.mark.parametrize("category", LIGHTS)
def test_lamp_bulbs_glow_inside_their_shades(category):
    checked = 0
    for params, size in _draw(category, 40, seed=7):
        parts = build(category, params, size)
        bulbs = [n for n in parts if n.startswith("bulb")]
        if category != "ceiling_fan" or params["light_kit"]:
            assert bulbs, (category, params)
        for name in bulbs:
            assert parts[name].material == "warm light"
            key = name.replace("bulb", "shade")
            holder = parts.get(key) or parts.get("cage") or (parts.get("shade") if "_" not in name else None)
            if holder is not None:
                assert _inside(parts[name], holder), (category, name, params)
                checked += 1
        for name, p in parts.items():
            if name.startswith("shade") and "trim" not in name and p.material != "warm light":
                assert "metal" in p.material or p.material in ("brass", "copper", "chrome", "gold", "brushed steel")
    assert checked >= 10


# ---------------------------------------------------------------------------------------------
# wall decor
# ---------------------------------------------------------------------------------------------


def test_painting_variety_and_raised_paint():
    draws = _draw("painting")
    assert {p["edge"] for p, _ in draws} == {"framed", "floating", "gallery"}
    assert {p["composition"] for p, _ in draws} == {"bands", "grid", "circles", "landscape", "strokes", "stripes"}
    assert len({tuple(p["palette"]) for p, _ in draws}) >= 20
    for params, size in draws[:20]:
        parts = build("painting", params, size)
        assert ("frame" in parts) == (params["edge"] != "gallery")
        paint = [p for n, p in parts.items() if n.startswith("paint_")]
        assert len(paint) >= 2 and len({p.material for p in paint}) >= 2
        canvas_front = hi(parts["canvas"])[1]
        assert all(hi(p)[1] > canvas_front for p in paint)  # raised on the canvas face (+Y)
        assert max(hi(p)[1] for p in parts.values()) == pytest.approx(size[1] / 2, abs=1e-3)


def test_poster_mounts_and_print():
    draws = _draw("poster", 80)
    assert {p["mount"] for p, _ in draws} == {"frame", "hanger", "clips", "pins"}
    assert {p["design"] for p, _ in draws} == {"title", "circle", "stripes", "tiles", "photo"}
    for params, size in draws[:30]:
        parts = build("poster", params, size)
        prints = [p for n, p in parts.items() if n.startswith("print_")]
        assert prints and all(hi(p)[1] > hi(parts["sheet"])[1] for p in prints)
        if params["mount"] == "clips":
            assert all(hi(parts[f"clip_{i}"])[2] == pytest.approx(size[2]) for i in (0, 1))
        if params["mount"] == "pins":
            assert sum(n.startswith("pin_") for n in parts) == 4
        if params["mount"] == "hanger":
            assert lo(parts["rail_0"])[2] == 0.0 and hi(parts["rail_1"])[2] == pytest.approx(size[2])


def test_mirror_shapes_and_glass_facing_front():
    draws = _draw("mirror")
    assert {p["shape"] for p, _ in draws} == {"rect", "round", "arch", "pill"}
    assert {p["frame_style"] for p, _ in draws} == {"wood", "metal", "none"}
    for params, size in draws[:30]:
        parts = build("mirror", params, size)
        glass = parts["glass"]
        assert glass.material == "mirror" and _front_area(glass) > 0.3 * size[0] * size[2]
        assert hi(glass)[1] > hi(parts["backing"])[1]
        if params["frame_style"] == "none":
            assert "bevel" in parts and "frame" not in parts
        else:
            assert "frame" in parts
        if params["shape"] == "round":  # an ellipse: nothing in the corners
            v = glass.mesh.vertices
            a, b = (hi(glass)[0] - lo(glass)[0]) / 2, (hi(glass)[2] - lo(glass)[2]) / 2
            cz = (hi(glass)[2] + lo(glass)[2]) / 2
            assert np.all((v[:, 0] / a) ** 2 + ((v[:, 2] - cz) / b) ** 2 <= 1.0 + 1e-6)


def test_clock_face_marks_and_hands_read_from_the_front():
    draws = _draw("clock")
    assert {p["shape"] for p, _ in draws} == {"round", "square"}
    assert {p["marks"] for p, _ in draws} == {"bars", "dots", "quarters"}
    assert {p["rim"] for p, _ in draws} == {True, False}
    assert {p["second_hand"] for p, _ in draws} == {True, False}
    for params, size in draws[:20]:
        parts = build("clock", params, size)
        marks = parts["hour_marks"].mesh.split(only_watertight=False)
        assert len(marks) == (4 if params["marks"] == "quarters" else 12)
        face_front = max(hi(p)[1] for n, p in parts.items() if n in ("face", "body"))
        for hand in ("hour_hand", "minute_hand"):
            assert lo(parts[hand])[1] > face_front - 1e-6  # in front of the face
        assert hi(parts["centre_cap"])[1] == pytest.approx(size[1] / 2, abs=1e-6)
    # the minute hand at 15 minutes points to the viewer's right: -X seen from the front (+Y)
    size = (0.35, 0.05, 0.35)
    parts = {p.name: p for p in build_clock(ClockParams(minute_deg=90.0, hour_deg=0.0), size)}
    m, hh = parts["minute_hand"].mesh.vertices, parts["hour_hand"].mesh.vertices
    assert m[:, 0].min() < -0.1 and m[:, 0].max() < 0.05
    assert hh[:, 2].max() > size[2] / 2 + 0.05 and np.abs(hh[:, 0]).max() < 0.02  # the hour hand points up at 12
    reach = lambda v: np.hypot(v[:, 0], v[:, 2] - size[2] / 2).max()  # noqa: E731
    assert reach(m) > reach(hh)


def test_whiteboard_tray_in_front_and_boards():
    draws = _draw("whiteboard")
    assert {p["board"] for p, _ in draws} == {"whiteboard", "chalkboard"}
    assert {p["tray"] for p, _ in draws} == {True, False}
    for params, size in draws[:30]:
        w, d, h = size
        parts = build("whiteboard", params, size)
        assert parts["board"].material == params["board"]
        assert ("tray" in parts) == params["tray"]
        if "tray" in parts:
            tray = parts["tray"]
            assert hi(tray)[1] == pytest.approx(d / 2, abs=1e-3) and hi(tray)[2] < 0.2 * h
            assert hi(parts["board"])[1] < hi(tray)[1]
            for n, p in parts.items():
                if n.startswith(("marker", "chalk", "eraser")):
                    assert lo(p)[1] >= hi(parts["board"])[1] - 1e-3 and hi(p)[2] < 0.25 * h


def test_neon_sign_glyphs_tubes_and_reading_direction():
    draws = _draw("neon_sign")
    assert {p["glyph"] for p, _ in draws} == {"heart", "star", "wave", "script", "bolt", "smile", "word"}
    for params, size in draws[:30]:
        parts = build("neon_sign", params, size)
        tubes = [p for n, p in parts.items() if n.startswith("tube_")]
        assert tubes and all(p.material.endswith(" neon light") for p in tubes)
        board_front = hi(parts["backboard"])[1]
        assert all(lo(p)[1] >= board_front - 1e-6 for p in tubes)
        assert max(hi(p)[1] for p in tubes) == pytest.approx(size[1] / 2, abs=1e-6)
    # words read left to right from the front: the first letter is on the viewer's left (+X)
    parts = build_neon_sign(NeonSignParams(glyph="word", word="HI"), (0.8, 0.04, 0.4))
    tubes = [p for p in parts if p.name.startswith("tube_")]
    assert tubes[0].mesh.vertices[:, 0].mean() > tubes[-1].mesh.vertices[:, 0].mean()


def test_picture_frame_leans_back_on_its_strut():
    draws = _draw("picture_frame")
    assert {p["photo"] for p, _ in draws} == {"landscape", "portrait", "abstract"}
    assert {p["mat"] for p, _ in draws} == {True, False}
    for params, size in draws[:30]:
        w, d, h = size
        parts = build("picture_frame", params, size)
        frame, strut, photo = parts["frame"], parts["strut"], parts["photo"]
        v = frame.mesh.vertices
        top, bottom = v[v[:, 2] > h - 0.01], v[v[:, 2] < 0.01]
        assert top[:, 1].mean() < bottom[:, 1].mean()  # leaning back
        assert lo(strut)[1] == pytest.approx(-d / 2, abs=1e-3) and lo(strut)[2] == pytest.approx(0.0, abs=1e-3)
        assert strut.mesh.centroid[1] < frame.mesh.centroid[1]
        n = photo.mesh.face_normals[np.argmax(photo.mesh.area_faces)]
        assert abs(n[1]) > 0.8  # the photo's big faces look along Y (tilted a little)
        assert max(hi(p)[1] for n_, p in parts.items() if n_.startswith("print_")) > hi(photo)[1] - 1e-3


# ---------------------------------------------------------------------------------------------
# screens
# ---------------------------------------------------------------------------------------------


def test_tv_screen_faces_front_inside_its_bezel():
    draws = _draw("tv")
    assert {p["style"] for p, _ in draws} == {"slim", "classic", "frame"}
    for params, size in draws[:30]:
        w, d, h = size
        parts = build("tv", params, size)
        screen = parts["screen"]
        assert screen.material == "black screen"
        assert _front_area(screen) > 0.6 * w * h * 0.6
        assert hi(screen)[1] > d / 2 - 0.012
        body = parts.get("bezel") or parts["frame"]
        assert _inside(screen, body)
        assert lo(parts["wall_bracket"])[1] == pytest.approx(-d / 2, abs=1e-3)  # the catalog hangs TVs
    # deep enough to stand: feet or a pedestal on the floor, the screen above them
    for mount in ("feet", "pedestal"):
        size = (1.2, 0.25, 0.8)
        parts = {p.name: p for p in build_tv(TvParams(mount=mount), size)}
        stand = [p for n, p in parts.items() if n.startswith(("foot", "stand"))]
        assert stand and min(lo(p)[2] for p in stand) == pytest.approx(0.0, abs=1e-6)
        assert lo(parts["screen"])[2] > 0.04 and "wall_bracket" not in parts


def test_monitor_supports_curves_and_portrait():
    draws = _draw("monitor")
    assert {p["support"] for p, _ in draws} == {"stand", "arm"}
    assert {p["base_shape"] for p, _ in draws} == {"rect", "round", "v"}
    assert {p["curved"] for p, _ in draws} == {True, False}
    for params, size in draws[:30]:
        w, d, h = size
        parts = build("monitor", params, size)
        screen = parts["screen"]
        assert screen.material == "black screen"
        assert hi(screen)[2] > 0.9 * h and _front_area(screen) > 0.0
        assert screen.mesh.centroid[1] > parts["back_housing"].mesh.centroid[1]
        support = parts.get("base") or parts["clamp"]
        assert lo(support)[2] == pytest.approx(0.0, abs=1e-6)
    curved = {p.name: p for p in build_monitor(MonitorParams(curved=True), (0.85, 0.25, 0.45))}
    v = curved["screen"].mesh.vertices
    assert v[np.abs(v[:, 0]) > 0.35, 1].mean() > v[np.abs(v[:, 0]) < 0.05, 1].mean() + 0.01  # edges come forward
    tall = {p.name: p for p in build_monitor(MonitorParams(), (0.4, 0.2, 0.6))}
    ext = hi(tall["screen"]) - lo(tall["screen"])
    assert ext[2] > ext[0]  # portrait


# ---------------------------------------------------------------------------------------------
# curtain
# ---------------------------------------------------------------------------------------------


def test_curtain_rod_panels_and_tiebacks():
    draws = _draw("curtain")
    assert {p["panels"] for p, _ in draws} == {1, 2}
    assert {p["tied"] for p, _ in draws} == {True, False}
    assert {p["header"] for p, _ in draws} == {"rings", "tabs", "pocket"}
    assert {p["finial"] for p, _ in draws} == {"ball", "cylinder", "spear", "cap"}
    assert any(p["sheer"] for p, _ in draws)
    for params, size in draws[:30]:
        w, d, h = size
        parts = build("curtain", params, size)
        assert hi(parts["rod"])[2] > 0.9 * h
        assert lo(parts["finial_0"])[0] == pytest.approx(-w / 2, abs=2e-3)
        assert hi(parts["finial_1"])[0] == pytest.approx(w / 2, abs=2e-3)
        assert all(lo(parts[f"bracket_{i}"])[1] == pytest.approx(-d / 2, abs=1e-3) for i in (0, 1))
        panels = [p for n, p in parts.items() if n.startswith("panel_")]
        assert len(panels) == params["panels"]
        for k, panel in enumerate(panels):
            assert lo(panel)[2] == pytest.approx(0.0, abs=1e-3)  # hangs to the floor
            assert lo(panel)[1] > -d / 2 and hi(panel)[1] - lo(panel)[1] > 0.015  # pleated, off the wall
            if params["tied"]:
                assert f"tieback_{k}" in parts
                v = panel.mesh.vertices
                tie_z = parts[f"tieback_{k}"].mesh.centroid[2]
                width = lambda z: np.ptp(v[np.abs(v[:, 2] - z) < 0.02, 0])  # noqa: E731
                assert width(tie_z) < 0.8 * width(hi(panel)[2])
        assert ("sheer" in parts) == (params["sheer"] and d >= 0.06)


# ---------------------------------------------------------------------------------------------
# lights
# ---------------------------------------------------------------------------------------------


def test_ceiling_light_styles():
    draws = _draw("ceiling_light")
    assert {p["style"] for p, _ in draws} == {"dome", "disc", "square", "semi_flush"}
    for params, size in draws[:20]:
        parts = build("ceiling_light", params, size)
        assert parts["shade"].material == "warm light" and "bulb" in parts


def test_pendant_shades_and_suspensions():
    draws = _draw("pendant_light")
    assert {p["shade"] for p, _ in draws} == {"cone", "dome", "bell", "globe", "drum", "cage"}
    assert {p["suspension"] for p, _ in draws} == {"cord", "rod", "chain"}
    for params, size in draws[:30]:
        parts = build("pendant_light", params, size)
        holder = parts.get("shade") or parts["cage"]
        assert lo(holder)[2] == pytest.approx(0.0, abs=1e-3)  # the shade hangs at the bottom
        hanger = parts.get("cord") or parts.get("rod") or parts["chain"]
        assert hi(hanger)[2] > hi(holder)[2] and hi(hanger)[2] >= lo(parts["canopy"])[2] - 1e-3


def test_chandelier_arms_and_bulbs():
    draws = _draw("chandelier")
    assert {p["style"] for p, _ in draws} == {"candle", "shaded", "crystal", "sputnik"}
    assert {p["tiers"] for p, _ in draws} == {1, 2}
    for params, size in draws[:30]:
        parts = build("chandelier", params, size)
        bulbs = [n for n in parts if n.startswith("bulb_")]
        if params["style"] == "sputnik":
            assert len(bulbs) == params["arms"] and "rods" in parts
        else:
            first = params["arms"]
            second = (4 if first == 6 else max(4, first - 2)) if params["tiers"] == 2 else 0
            assert len(bulbs) == first + second and "column" in parts
            assert sum(n.startswith("candle_") for n in parts) == len(bulbs)
        if params["style"] == "crystal":
            assert parts["crystals"].material == "clear glass"


def test_ceiling_fan_blades_spread_round_the_motor():
    draws = _draw("ceiling_fan")
    assert {p["blades"] for p, _ in draws} == {3, 4, 5}
    assert {p["blade_shape"] for p, _ in draws} == {"paddle", "tapered", "leaf"}
    assert {p["light_kit"] for p, _ in draws} == {True, False}
    for params, size in draws[:30]:
        parts = build("ceiling_fan", params, size)
        blades = [p for n, p in parts.items() if n.startswith("blade_") and n != "blade_irons"]
        assert len(blades) == params["blades"]
        motor = parts["motor_housing"]
        hub = motor.mesh.bounds.mean(axis=0)
        angles = sorted(np.degrees(np.arctan2(b.mesh.centroid[1] - hub[1], b.mesh.centroid[0] - hub[0])) % 360
                        for b in blades)
        gaps = np.diff(angles + [angles[0] + 360])
        assert np.allclose(gaps, 360 / len(blades), atol=10)  # evenly round the hub (boxes may stretch a little)
        assert all(lo(b)[2] > lo(motor)[2] - 0.01 and hi(b)[2] < hi(motor)[2] for b in blades)
        assert ("shade" in parts) == params["light_kit"]


def test_floor_lamp_styles():
    draws = _draw("floor_lamp")
    assert {p["style"] for p, _ in draws} == {"column", "arc", "tripod", "torchiere"}
    for params, size in draws[:40]:
        w, d, h = size
        parts = build("floor_lamp", params, size)
        feet = parts.get("base") or parts["legs"]
        assert lo(feet)[2] == pytest.approx(0.0, abs=1e-6)
        if params["style"] == "arc" and "pole" in parts and w > 0.45:
            assert parts["shade"].mesh.centroid[0] - feet.mesh.centroid[0] > 0.25 * w
        if params["style"] == "tripod":
            assert len(parts["legs"].mesh.split(only_watertight=False)) == 3


def test_table_lamp_bases_and_desk_lamp():
    draws = _draw("table_lamp")
    assert {p["base"] for p, _ in draws} == {"vase", "column", "gourd", "candlestick", "desk"}
    assert {p["shade"] for p, _ in draws} == {"drum", "empire", "bell"}
    for params, size in draws[:30]:
        parts = build("table_lamp", params, size)
        assert min(lo(parts[n])[2] for n in ("base", "plinth") if n in parts) == pytest.approx(0.0, abs=1e-6)
        assert hi(parts["shade"])[2] > 0.8 * size[2]
    desk = {p.name: p for p in build_table_lamp(TableLampParams(base="desk"), (0.3, 0.3, 0.5))}
    assert {"arm_0", "arm_1", "shade", "bulb"} <= set(desk) and _inside(desk["bulb"], desk["shade"])
    assert desk["shade"].mesh.centroid[1] > desk["base"].mesh.centroid[1]  # the head reaches out to the front


# ---------------------------------------------------------------------------------------------
# plants
# ---------------------------------------------------------------------------------------------

SPECIES_PARTS = {
    "fiddle_fig": {"trunk", "leaves"}, "snake": {"leaves"}, "palm": {"stems", "fronds"}, "fern": {"fronds"},
    "monstera": {"stems", "leaves"}, "tree": {"trunk", "branches", "canopy"},
    "succulent": {"rosettes"}, "cactus": {"cactus"}, "pilea": {"stems", "leaves"}, "pothos": {"vines", "leaves"},
}


@pytest.mark.parametrize("category", ("potted_plant", "small_plant"))
def test_plants_species_pots_and_foliage(category):
    draws = _draw(category, 120)
    species = {p["species"] for p, _ in draws}
    assert species == ({"fiddle_fig", "snake", "palm", "fern", "monstera", "tree"} if category == "potted_plant"
                       else {"succulent", "cactus", "pilea", "snake", "pothos"})
    pots = {p["pot"] for p, _ in draws}
    assert len(pots) >= 5
    for params, size in draws[:40]:
        w, d, h = size
        parts = build(category, params, size)
        pot, soil = parts["pot"], parts["soil"]
        assert soil.material == "potting soil"
        assert np.allclose(pot.mesh.bounds.mean(axis=0)[:2], 0.0, atol=1e-3)  # centred
        assert hi(soil)[2] <= hi(pot)[2] + 0.01
        assert lo(pot)[2] == pytest.approx(0.0, abs=1e-6) or "stand" in parts
        foliage = [p for n, p in parts.items() if n not in ("pot", "soil", "saucer", "stand", "basket_bands")]
        assert SPECIES_PARTS[params["species"]] <= {p.name for p in foliage}
        assert max(hi(p)[2] for p in foliage) == pytest.approx(h, abs=1e-3)  # the plant is the top
        leafy = [p for p in foliage if p.name in ("leaves", "fronds", "canopy", "rosettes")]
        assert all(p.material == "green leaves" for p in leafy)


def test_plant_params_round_trip():
    from worldsmith.assets.procedural import params_from_dict
    from worldsmith.assets.procedural.plants import PottedPlantParams

    p = params_from_dict(PottedPlantParams, sample_params("potted_plant", "potted_plant", np.random.default_rng(2)))
    assert params_from_dict(PottedPlantParams, params_to_dict(p)) == p
