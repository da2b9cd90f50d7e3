"""Procedural generators: determinism, exact size, sane meshes, front along +Y, real variety."""

from __future__ import annotations

import json

import numpy as np
import pytest

from worldsmith.assets import build_object_parts, catalog, make_asset
from worldsmith.assets.build import GENERATORS
from worldsmith.assets.procedural import (
    BedParams, BookshelfParams, CabinetParams, ChairParams, SofaParams, TableParams, build_bed, build_bookshelf,
    build_cabinet, build_chair, build_sofa, build_table, params_from_dict, params_to_dict, sample_params,
)
from worldsmith.materials import resolve_pbr
from worldsmith.scene import AssetRef, ObjectInstance

from tests.assets._generator_helpers import assert_sound_and_sized, bounds, build, centre, draw

SIX = ("table", "chair", "sofa", "bed", "bookshelf", "cabinet")
PURE = {"table": (TableParams, build_table), "chair": (ChairParams, build_chair), "sofa": (SofaParams, build_sofa),
        "bed": (BedParams, build_bed), "bookshelf": (BookshelfParams, build_bookshelf),
        "cabinet": (CabinetParams, build_cabinet)}
MAPPED = sorted(n for n in catalog.names() if catalog.get(n).generator)
N = 20


def _samples(category: str, seed: int = 0):
    """The generator's name and N (params, size) pairs: the typical size for the first draws, then
    anything between the category's min and max."""
    return catalog.get(category).generator, draw(category, N, seed, typical_first=3)


def test_all_six_generators_are_registered():
    assert set(SIX) <= set(GENERATORS)


def test_generator_mapping_in_catalog():
    expect = {
        "table": {"table", "coffee_table", "side_table", "dining_table", "cafe_table", "desk", "conference_table"},
        "chair": {"chair", "dining_chair", "office_chair"},
        "sofa": {"sofa", "armchair"},
        "bed": {"bed"},
        "bookshelf": {"bookshelf", "display_shelf"},
        "cabinet": {"cabinet", "nightstand", "dresser", "tv_stand", "wardrobe"},
    }
    for gen, cats in expect.items():
        for c in cats:
            assert catalog.get(c).generator == gen, c


@pytest.mark.parametrize("generator", SIX)
def test_build_is_deterministic_bytewise(generator):
    category = generator
    size = catalog.get(category).size_typical
    p1 = sample_params(generator, category, np.random.default_rng(7), size)
    p2 = sample_params(generator, category, np.random.default_rng(7), size)
    assert json.dumps(p1, sort_keys=True) == json.dumps(p2, sort_keys=True)
    a, b = GENERATORS[generator](p1, size), GENERATORS[generator](dict(p1), size)
    assert [p.name for p in a] == [p.name for p in b]
    for x, y in zip(a, b):
        assert x.mesh.vertices.tobytes() == y.mesh.vertices.tobytes()
        assert x.mesh.faces.tobytes() == y.mesh.faces.tobytes()
        assert x.material == y.material


@pytest.mark.parametrize("generator", SIX)
def test_params_round_trip_and_defaults(generator):
    cls, build_pure = PURE[generator]
    size = catalog.get(generator).size_typical
    p = params_from_dict(cls, sample_params(generator, generator, np.random.default_rng(3), size))
    assert params_from_dict(cls, params_to_dict(p)) == p
    # tuples (as a scene stores lists) and unknown keys are accepted; {} builds the defaults
    assert params_from_dict(cls, {**params_to_dict(p), "not_a_field": (1, 2)}) == p
    assert len(build_pure(cls(), size)) > 3
    assert len(GENERATORS[generator]({}, size)) > 3


@pytest.mark.parametrize("category", MAPPED)
def test_sampled_meshes_are_sound_and_exactly_sized(category):
    generator, samples = _samples(category)
    for params, size in samples:
        raw = GENERATORS[generator](params, size)
        assert len(raw) >= 2  # every asset is made of several named parts
        names = [p.name for p in raw]
        assert len(set(names)) == len(names), names
        assert_sound_and_sized(raw, size, where=category)  # built at the size directly: the fit in build.py only nudges
        for p in raw:
            assert isinstance(p.material, str) and p.material.strip()
        obj = ObjectInstance("obj_0", category, AssetRef("procedural", generator, params), (0, 0, 0), size)
        fitted = build_object_parts(obj)
        lo, hi = bounds(fitted)
        np.testing.assert_allclose(hi - lo, size, atol=1e-6)
        assert abs(lo[2]) < 1e-9


def _choices(params: dict) -> str:
    """The discrete choices in ``params`` (styles, flags, materials), without the continuous numbers
    that differ between any two draws anyway."""
    return json.dumps({k: v for k, v in params.items() if k != "category" and (
        isinstance(v, (str, bool)) or (isinstance(v, list) and all(isinstance(x, str) for x in v)))}, sort_keys=True)


@pytest.mark.parametrize("category", MAPPED)
def test_samples_vary_and_remember_their_category(category):
    _, samples = _samples(category, seed=11)
    # variety in the choices themselves, and in what gets built: not only in the dimensions
    assert len({_choices(p) for p, _ in samples}) >= N // 2
    assert len({tuple(sorted(build(category, p, s))) for p, s in samples}) >= 2
    assert all(p["category"] == category for p, _ in samples)


def _front_checks(generator: str, params: dict, parts, size) -> None:
    w, d, h = size
    by = {p.name: p for p in parts}
    if generator == "chair":
        backs = [p for p in parts if p.name.startswith("back")]
        assert bool(backs) == (params["back_style"] != "none")  # only a backless (bar) stool has none
        seat_y = centre(by["seat"])[1]
        for b in backs:
            assert centre(b)[1] < seat_y
        if backs:
            assert min(b.mesh.bounds[0][1] for b in backs) == pytest.approx(-d / 2, abs=1e-3)
    elif generator == "sofa":
        assert centre(by["back"])[1] < 0
        for p in parts:
            if p.name.startswith("seat_cushion"):
                assert centre(p)[1] > centre(by["back"])[1]
            if p.name.startswith("back_cushion"):
                assert centre(p)[1] < 0
    elif generator == "bed":
        heads = [p for p in parts if p.name.startswith("headboard")]
        assert heads and all(centre(p)[1] < -d / 2 + 0.15 for p in heads)
        pillows = [p for p in parts if p.name.startswith("pillow")]
        assert pillows and all(centre(p)[1] < centre(by["duvet"])[1] for p in pillows)
    elif generator == "cabinet":
        handles = [p for p in parts if p.name.startswith("handle")]
        assert handles
        others = max(p.mesh.bounds[1][1] for p in parts if not p.name.startswith("handle"))
        for p in handles:
            assert p.mesh.bounds[1][1] == pytest.approx(d / 2, abs=1e-3)
            assert centre(p)[1] > others - 1e-9
    elif generator == "bookshelf":
        assert ("back" in by) == params["back_panel"]
        if "back" in by:
            assert centre(by["back"])[1] < -d / 2 + 0.02
    elif generator == "table":
        for p in parts:
            if p.name.startswith("handle"):
                assert centre(p)[1] > 0


@pytest.mark.parametrize("category", MAPPED)
def test_front_is_plus_y(category):
    generator, samples = _samples(category, seed=5)
    for params, size in samples:
        _front_checks(generator, params, GENERATORS[generator](params, size), size)


def _draw(category: str, n: int = 60, seed: int = 1) -> list[dict]:
    """``n`` sampled params at sizes spread over the category's range."""
    return [p for p, _ in draw(category, n, seed)]


def test_table_variety_and_category_styles():
    ps = _draw("dining_table")
    assert {p["top_shape"] for p in ps} == {"rectangle", "round"}
    assert {p["base"] for p in ps} == {"legs", "pedestal", "trestle"}
    assert {p["leg_shape"] for p in ps} == {"round", "square", "tapered"}
    assert any(p["lower_shelf"] for p in _draw("coffee_table"))
    assert any(p["drawer_unit"] for p in _draw("desk"))
    assert all(p["top_shape"] == "rectangle" for p in _draw("desk"))
    assert catalog.get("coffee_table").size_typical[2] < 0.5


def test_chair_variety_and_category_styles():
    ps = _draw("chair")
    for key in ("arms", "upholstered"):
        assert {p[key] for p in ps} == {True, False}
    assert {p["back_style"] for p in ps} == {"slats", "solid"}
    assert {p["base"] for p in ps} == {"legs", "sled"}
    assert all(p["base"] == "swivel" for p in _draw("office_chair"))
    size = catalog.get("office_chair").size_typical
    parts = GENERATORS["chair"](_draw("office_chair", 1)[0], size)
    assert sum(p.name.startswith("caster") for p in parts) == 5


def test_sofa_variety_and_seat_count_from_width():
    ps = _draw("sofa")
    assert {p["arm_style"] for p in ps} >= {"square", "rolled", "slim"}
    assert {p["leg_style"] for p in ps} == {"block", "tapered", "metal", "plinth"}
    assert {p["back_cushions"] for p in ps} == {True, False}
    p = _draw("sofa", 1)[0]
    counts = [sum(q.name.startswith("seat_cushion") for q in GENERATORS["sofa"](p, (w, 0.92, 0.85)))
              for w in (1.5, 2.2, 3.0)]
    assert counts == sorted(counts) and counts[0] < counts[-1]
    for a in _draw("armchair", 10):
        parts = GENERATORS["sofa"](a, catalog.get("armchair").size_typical)
        assert sum(q.name.startswith("seat_cushion") for q in parts) == 1


def test_bed_variety_and_bedding():
    ps = _draw("bed")
    assert {p["headboard_style"] for p in ps} == {"panel", "upholstered", "slatted"}
    assert {p["footboard"] for p in ps} == {True, False}
    names = {q.name for q in GENERATORS["bed"](ps[0], catalog.get("bed").size_typical)}
    assert {"mattress", "duvet", "pillow_0", "pillow_1"} <= names
    narrow = {q.name for q in GENERATORS["bed"](ps[0], (0.9, 2.0, 0.9))}
    assert "pillow_0" in narrow and "pillow_1" not in narrow


def test_bookshelf_variety_and_shelves_from_height():
    ps = _draw("bookshelf")
    assert {p["style"] for p in ps} == {"framed", "open"}
    assert {p["back_panel"] for p in ps} == {True, False}
    p = ps[0]
    shelves = [sum(q.name.startswith("shelf_") for q in GENERATORS["bookshelf"](p, (0.9, 0.32, h)))
               for h in (0.9, 1.5, 2.2)]
    assert shelves == sorted(shelves) and shelves[0] < shelves[-1]
    assert any(p["shelf_material"] == "clear glass" for p in _draw("display_shelf"))


def test_cabinet_variety_and_category_styles():
    ps = _draw("cabinet")
    assert {p["front"] for p in ps} == {"doors", "drawers", "mixed"}
    assert {p["base"] for p in ps} == {"plinth", "legs"}
    assert {p["handle_style"] for p in ps} == {"bar", "knob"}
    for p in _draw("wardrobe", 10):
        parts = GENERATORS["cabinet"](p, catalog.get("wardrobe").size_typical)
        assert any(q.name.startswith("door_") for q in parts) and not any(q.name.startswith("drawer") for q in parts)
    for p in _draw("dresser", 10):
        parts = GENERATORS["cabinet"](p, catalog.get("dresser").size_typical)
        assert sum(q.name.startswith("drawer_") for q in parts) >= 3


def test_every_part_material_is_known_to_the_material_library():
    assert resolve_pbr("no such material here").name == "default"  # how an unknown name shows
    seen = set()
    for category in MAPPED:
        generator, samples = _samples(category, seed=2)
        for params, size in samples[:8]:
            seen.update(p.material for p in GENERATORS[generator](params, size))
    unknown = sorted(m for m in seen if resolve_pbr(m).name == "default")
    assert len(seen) > 50 and not unknown


def test_make_asset_uses_generators_and_fallbacks(monkeypatch):
    rng = np.random.default_rng(0)
    for name in catalog.names():  # every category has a generator
        asset, size = make_asset(name, rng)
        info = catalog.get(name)
        assert size == tuple(info.size_typical)
        assert asset.source == "procedural" and asset.name == info.generator
        assert asset.params["category"] == name
    # a category whose generator is not there gets a box of its size
    monkeypatch.delitem(GENERATORS, "sofa")
    asset, size = make_asset("sofa", rng, (2.0, 0.9, 0.8))
    assert asset.source == "fallback" and size == (2.0, 0.9, 0.8)
    monkeypatch.undo()
    for name in catalog.names():
        size = catalog.get(name).size_typical
        parts = build_object_parts(ObjectInstance("obj_0", name, AssetRef("fallback", name), (0, 0, 0), size))
        assert len(parts) == 1
        np.testing.assert_allclose(parts[0].mesh.extents, size)


def test_scene_json_round_trip_rebuilds_the_same_mesh():
    from worldsmith.scene import Scene, dumps, loads

    rng = np.random.default_rng(9)
    objs = []
    for i, category in enumerate(("sofa", "desk", "bookshelf", "bed", "office_chair", "dresser")):
        asset, size = make_asset(category, rng)
        objs.append(ObjectInstance(f"obj_{i}", category, asset, (i, 0.0, 0.0), size))
    scene = Scene(objects=tuple(objs))
    again = loads(dumps(scene))
    assert [o.id for o in again.objects] == [o.id for o in scene.objects]
    for a, b in zip(scene.objects, again.objects):
        pa, pb = build_object_parts(a), build_object_parts(b)
        assert [p.name for p in pa] == [p.name for p in pb]
        for x, y in zip(pa, pb):
            assert x.mesh.vertices.tobytes() == y.mesh.vertices.tobytes()
            assert x.mesh.faces.tobytes() == y.mesh.faces.tobytes()

