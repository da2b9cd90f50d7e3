"""The labelled floor plan: determinism, and what is drawn where (pixel checks at world points)."""

from __future__ import annotations

import math

import pytest
from PIL import Image

from worldsmith.render.plan import (
    MAX_SIDE_PX,
    STYLE,
    PlanLayout,
    category_color,
    category_group,
    compute_layout,
    draw_plan,
)
from worldsmith.scene import AssetRef, Light, ObjectInstance, Opening, Room, Scene

T = 0.15  # wall thickness of the test rooms


def obj(oid: str, cat: str, pos, size, yaw: float = 0.0, support: str = "floor") -> ObjectInstance:
    return ObjectInstance(id=oid, category=cat, asset=AssetRef("fallback", cat), position=pos, size=size,
                          yaw_deg=yaw, support=support)


def box_room(openings=()) -> Room:
    # wall_0: y=0 (normal +y), wall_1: x=4 (normal -x), wall_2: y=3 (normal -y), wall_3: x=0 (normal +x)
    return Room("room_0", "test room", [(0, 0), (4, 0), (4, 3), (0, 3)], 2.7, wall_thickness=T,
                openings=tuple(openings))


@pytest.fixture(scope="module")
def living() -> Scene:
    room = box_room([
        Opening("door_0", "door", "wall_0", 1.0, 0.9, 2.1, hinge="start", swing="in"),
        Opening("window_0", "window", "wall_2", 1.0, 1.2, 1.2, sill=0.9),
    ])
    return Scene(
        prompt="A test living room with a sofa facing a tv stand",
        rooms=(room,),
        objects=(
            obj("sofa_0", "sofa", (2.0, 1.6, 0.0), (2.0, 0.9, 0.8)),
            obj("coffee_table_0", "coffee_table", (0.9, 2.4, 0.0), (0.8, 0.5, 0.45)),
            obj("vase_0", "vase", (0.75, 2.4, 0.45), (0.2, 0.2, 0.3), support="object:coffee_table_0"),
            obj("painting_0", "painting", (3.98, 1.5, 1.4), (0.9, 0.04, 0.6), yaw=90, support="wall:wall_1"),
            obj("ceiling_light_0", "ceiling_light", (2.55, 1.7, 2.6), (0.5, 0.5, 0.1), support="ceiling"),
        ),
        lights=(Light("light_0", "point", (3.3, 2.5, 2.5), watts=40),),
    )


@pytest.fixture(scope="module")
def drawn(living: Scene) -> tuple[Image.Image, PlanLayout]:
    img = draw_plan(living, px_per_m=100)
    return img, img.info["plan_layout"]


def px(img: Image.Image, layout: PlanLayout, x: float, y: float) -> tuple[int, int, int]:
    return img.getpixel(layout.pixel(x, y))


def close(a, b, tol: int = 3) -> bool:
    return all(abs(int(u) - int(v)) <= tol for u, v in zip(a, b))


def is_dark(c) -> bool:
    return max(c) < 80


def test_same_scene_gives_identical_bytes(living: Scene, tmp_path) -> None:
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    img = draw_plan(living, a, px_per_m=100)
    draw_plan(living, b, px_per_m=100)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(a) as back:
        assert back.size == img.size and back.mode == "RGB"
        assert back.tobytes() == img.tobytes()


def test_layout_is_attached_and_matches_compute_layout(living: Scene, drawn) -> None:
    img, layout = drawn
    assert layout == compute_layout(living, px_per_m=100)
    assert (layout.width, layout.height) == img.size
    assert layout.px_per_m == 100
    x0, y0 = layout.world_to_pixel(0.0, 0.0)
    x1, y1 = layout.world_to_pixel(4.0, 3.0)
    assert x1 - x0 == pytest.approx(400.0) and y0 - y1 == pytest.approx(300.0)  # y flips
    assert layout.pixel_to_world(*layout.world_to_pixel(1.25, 2.5)) == pytest.approx((1.25, 2.5))
    assert layout.room_bounds == (0.0, 0.0, 4.0, 3.0)


def test_walls_are_dark_with_their_thickness_outside_the_inner_face(drawn) -> None:
    img, L = drawn
    # mid-thickness of each wall, away from openings
    assert is_dark(px(img, L, 3.0, -T / 2))          # wall_0
    assert is_dark(px(img, L, 4 + T / 2, 2.5))       # wall_1 (painting is inside the room)
    assert is_dark(px(img, L, 3.5, 3 + T / 2))       # wall_2
    assert is_dark(px(img, L, -T / 2, 1.0))          # wall_3
    # mitred corners are filled
    assert is_dark(px(img, L, -T / 2, -T / 2))
    assert is_dark(px(img, L, 4 + T / 2, 3 + T / 2))
    # the inner side of the inner face is floor, the outer side of the outer face is page
    assert close(px(img, L, 3.0, 0.05), STYLE.floor)
    assert px(img, L, 3.0, -T - 0.04) == STYLE.background
    assert px(img, L, -T - 0.04, 0.75) == STYLE.background
    assert px(img, L, 4 + T + 0.04, 0.75) == STYLE.background


def test_door_is_a_gap_with_a_leaf_and_an_inward_swing(drawn) -> None:
    img, L = drawn
    # gap: the centre of the door in the wall thickness is not wall-dark
    centre = px(img, L, 1.45, -T / 2)
    assert not is_dark(centre) and min(centre) > 180
    # leaf: from the hinge (wall start side, x=1.0) into the room along the normal
    assert max(px(img, L, 1.0, 0.45)) < 160
    # swing arc on the room side (radius 0.9 about the hinge, at 45 degrees) ...
    a = math.radians(45)
    arc_in = [px(img, L, 1.0 + 0.9 * math.cos(a) + dx, 0.9 * math.sin(a) + dy)
              for dx in (-0.01, 0.0, 0.01) for dy in (-0.01, 0.0, 0.01)]
    assert min(sum(c) for c in arc_in) < sum(STYLE.floor) - 60
    # ... and nothing mirrored outside the room
    assert px(img, L, 1.0 + 0.9 * math.cos(a), -T - 0.9 * math.sin(a)) == STYLE.background


def test_window_is_a_gap_with_blue_glass_lines(drawn) -> None:
    img, L = drawn
    c = px(img, L, 4.0 - 1.6, 3 + T / 2)   # wall_2 runs from (4, 3) to (0, 3); window centre 1.6 from start
    assert not is_dark(c)
    assert c[2] > c[0] + 40  # blue


def test_floor_and_object_colours(drawn) -> None:
    img, L = drawn
    assert close(px(img, L, 3.4, 0.6), STYLE.floor)
    fill = category_color("sofa")
    # away from the label in the middle, the footprint has the sofa's fill
    assert close(px(img, L, 1.3, 1.6), fill)
    # and the fill is the most common colour in the centre area (the label covers less)
    x, y = L.pixel(2.0, 1.6)
    patch = img.crop((x - 12, y - 12, x + 12, y + 12))
    count, colour = max(patch.getcolors(24 * 24))
    assert close(colour, fill) and count > 24 * 24 / 2
    # the front marker sits on the front edge (+Y local): darker than the fill there
    assert sum(px(img, L, 2.0, 1.6 + 0.45 - 0.03)) < sum(fill) - 100
    # a different category group gets a different colour
    assert close(px(img, L, 1.15, 2.25), category_color("coffee_table"), 4)


def test_objects_on_objects_walls_and_ceiling(drawn) -> None:
    img, L = drawn
    # the vase is drawn on the table, lighter than its category colour
    vase = px(img, L, 0.75 - 0.07, 2.4 - 0.07)
    assert sum(vase) > sum(category_color("vase")) + 30
    assert not close(vase, category_color("coffee_table"), 10)
    # the painting is a bar against the inner face of wall_1 (thicker than its 4 cm for visibility)
    bar = px(img, L, 4.0 - 0.025, 1.25)
    assert not close(bar, STYLE.floor, 10) and not is_dark(bar)
    # the ceiling light marker does not hide the sofa below it
    r = 0.25
    under = px(img, L, 2.55 + 0.72 * r, 1.7)
    assert sum(abs(a - b) for a, b in zip(under, category_color("sofa"))) < 70


def test_l_shaped_room_notch_is_background() -> None:
    room = Room("room_0", "l room", [(0, 0), (6, 0), (6, 3), (3, 3), (3, 5), (0, 5)], 2.7, wall_thickness=0.2)
    img = draw_plan(Scene(rooms=(room,)), px_per_m=60)
    L = img.info["plan_layout"]
    assert px(img, L, 4.5, 4.2) == STYLE.background          # the notch
    assert close(px(img, L, 1.0, 1.0), STYLE.floor)
    assert close(px(img, L, 4.5, 1.5), STYLE.floor)
    # the concave corner is joined cleanly: wall all around it
    assert is_dark(px(img, L, 3.1, 3.1))
    assert is_dark(px(img, L, 4.5, 3.1)) and is_dark(px(img, L, 3.1, 4.0))
    # just past the outer faces at the notch: page again
    assert px(img, L, 3.25, 4.0) == STYLE.background
    assert px(img, L, 4.5, 3.25) == STYLE.background


def test_out_swing_door_swings_outside() -> None:
    room = box_room([Opening("door_0", "door", "wall_0", 1.0, 0.9, 2.1, hinge="end", swing="out")])
    img = draw_plan(Scene(rooms=(room,)), px_per_m=100)
    L = img.info["plan_layout"]
    a = math.radians(45)
    hinge_x, face_y = 1.9, -T
    ring = [px(img, L, hinge_x - 0.9 * math.cos(a) + dx, face_y - 0.9 * math.sin(a) + dy)
            for dx in (-0.01, 0.0, 0.01) for dy in (-0.01, 0.0, 0.01)]
    assert min(sum(c) for c in ring) < 3 * 255 - 60
    # nothing swings into the room
    assert close(px(img, L, hinge_x - 0.9 * math.cos(a), 0.9 * math.sin(a)), STYLE.floor)
    # the canvas grew to hold the swing
    assert L.world_min[1] <= -T - 0.9 + 1e-9


def test_multiple_rooms_zero_and_many_objects() -> None:
    a = Room("room_0", "kitchen", [(0, 0), (3, 0), (3, 3), (0, 3)], 2.7)
    b = Room("room_1", "bedroom", [(3.5, 0), (7, 0), (7, 3), (3.5, 3)], 2.7)
    empty = draw_plan(Scene(rooms=(a, b)), px_per_m=50)
    L = empty.info["plan_layout"]
    assert close(px(empty, L, 1.5, 1.5), STYLE.floor) and close(px(empty, L, 5.0, 1.0), STYLE.floor)
    assert px(empty, L, 3.25, 1.0) == STYLE.background   # between the two rooms' walls

    objs = []
    for i in range(60):
        x, y = 0.3 + (i % 10) * 0.65, 0.3 + (i // 10) * 0.45
        objs.append(obj(f"chair_{i}", "chair", (x, y, 0.0), (0.4, 0.35, 0.9), yaw=(i * 37) % 360 - 180))
    big = Room("room_0", "hall", [(0, 0), (6.6, 0), (6.6, 2.9), (0, 2.9)], 2.7)
    scene = Scene(rooms=(big,), objects=tuple(objs))
    img = draw_plan(scene, px_per_m=90)
    L = img.info["plan_layout"]
    chair = category_color("chair")
    edge = tuple(int(round(v * 0.55)) for v in chair)

    # every object is visible at its place: some of its footprint shows its fill or outline (tags
    # with leader lines may cover parts of it, never all of it)
    def visible(o: ObjectInstance) -> int:
        hits = 0
        c0, c1, _c2, c3 = o.footprint
        for i in range(1, 8):
            for j in range(1, 8):
                u, v = i / 8, j / 8
                p = (c0[0] + (c1[0] - c0[0]) * u + (c3[0] - c0[0]) * v,
                     c0[1] + (c1[1] - c0[1]) * u + (c3[1] - c0[1]) * v)
                c = px(img, L, *p)
                hits += close(c, chair, 6) or close(c, edge, 10)
        return hits

    counts = {o.id: visible(o) for o in objs}
    assert all(n >= 4 for n in counts.values()), counts
    assert sum(counts.values()) > 0.6 * 49 * len(objs)


def test_scale_follows_px_per_m_and_huge_rooms_are_capped() -> None:
    room = box_room()
    small = compute_layout(Scene(rooms=(room,)), px_per_m=100)
    large = compute_layout(Scene(rooms=(room,)), px_per_m=200)
    assert large.width - small.width == pytest.approx(4.3 * 100, abs=2)
    assert large.height - small.height == pytest.approx(3.3 * 100, abs=2)
    hall = Room("room_0", "hall", [(0, 0), (80, 0), (80, 30), (0, 30)], 5.0)
    img = draw_plan(Scene(rooms=(hall,)), px_per_m=120)
    layout = img.info["plan_layout"]
    assert max(img.size) <= MAX_SIDE_PX
    assert layout.px_per_m < 30
    assert is_dark(px(img, layout, 40.0, -0.06))


def test_title_and_invalid_scale() -> None:
    scene = Scene(prompt="x " * 200, rooms=(box_room(),))
    long = compute_layout(scene, px_per_m=100)
    assert len(long.title_lines) > 1  # wrapped
    short = compute_layout(scene, px_per_m=100, title="Plan")
    assert short.title_lines == ("Plan",) and short.plan_top < long.plan_top
    assert any("4.00 m" in line and "3.00 m" in line for line in short.subtitle_lines)
    for bad in (0, -5, float("nan"), True):
        with pytest.raises(ValueError):
            draw_plan(scene, px_per_m=bad)


def test_category_groups_and_colours() -> None:
    assert category_group("sofa") == "seating" and category_group("armchair") == "seating"
    assert category_group("coffee_table") == "tables"
    assert category_group("tv_stand") == "storage" and category_group("bookshelf") == "storage"
    assert category_group("desk_lamp") == "lighting" and category_group("floor_lamp") == "lighting"
    assert category_group("double_bed") == "beds"
    assert category_group("refrigerator") == "appliances"
    assert category_group("painting") == "decor"
    assert category_group("zyzzyva") == "other"
    assert category_color("sofa") == category_color("sofa")
    assert category_color("sofa") != category_color("armchair")
    assert category_color("sofa") != category_color("coffee_table")
