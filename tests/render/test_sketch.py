"""The Pillow/numpy sketch renderer and contact sheets."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import trimesh
from PIL import Image, ImageDraw
from shapely.geometry import MultiPoint, Point

from worldsmith.assets.parts import Part
from worldsmith.materials import resolve_pbr
from worldsmith.materials.colors import linear_to_srgb_array
from worldsmith.render.sketch import _fit_label, contact_sheet, render_parts, view_basis

BG = (250, 250, 250)


def box(extents=(1.0, 0.6, 0.8), material="light grey plastic", offset=(0.0, 0.0, 0.0)) -> Part:
    mesh = trimesh.creation.box(extents=extents)
    mesh.apply_translation((offset[0], offset[1], offset[2] + extents[2] / 2))
    return Part("body", mesh, material)


def silhouette(parts, size_px, yaw, elev, margin_px):
    """The convex hull of the parts' projected vertices in pixels, fitted as the renderer fits."""
    toward, right, up = view_basis(yaw, elev)
    pts = np.concatenate([p.mesh.vertices for p in parts])
    sx, sy = pts @ right, pts @ up
    extent = max(np.ptp(sx), np.ptp(sy))
    scale = (size_px - 2 * margin_px) / extent
    x = size_px / 2 + (sx - (sx.min() + sx.max()) / 2) * scale
    y = size_px / 2 - (sy - (sy.min() + sy.max()) / 2) * scale
    return MultiPoint(list(zip(x, y))).convex_hull


def test_box_covers_exactly_its_projected_silhouette():
    size, margin = 96, 8
    parts = [box()]
    img = np.asarray(render_parts(parts, size_px=size, yaw_deg=30, elev_deg=25, margin_px=margin)).astype(int)
    assert img.shape == (size, size, 3)
    hull = silhouette(parts, size, 30, 25, margin)
    inner, outer = hull.buffer(-1.5), hull.buffer(1.5)
    is_bg = np.all(np.abs(img - np.array(BG)) <= 2, axis=2)
    n_in = n_out = 0
    for yy in range(size):
        for xx in range(size):
            p = Point(xx + 0.5, yy + 0.5)
            if inner.contains(p):
                assert not is_bg[yy, xx], (xx, yy)
                n_in += 1
            elif not outer.contains(p):
                assert is_bg[yy, xx], (xx, yy)
                n_out += 1
    assert n_in > 0.3 * size * size and n_out > 0.2 * size * size


def test_three_visible_faces_are_shaded_differently():
    img = np.asarray(render_parts([box((1, 1, 1))], size_px=128, yaw_deg=30, elev_deg=25))
    colours = {tuple(c) for c in img.reshape(-1, 3) if tuple(c) != BG}
    # top, front and right faces: three flat tones (plus anti-aliased edge mixtures)
    counts = {}
    for c in img.reshape(-1, 3):
        counts[tuple(c)] = counts.get(tuple(c), 0) + 1
    big = [c for c, n in counts.items() if n > 500 and c != BG]
    assert len(big) == 3 and len(colours) > 3


def test_darker_material_renders_darker():
    white, black = "white paint", "black paint"
    assert sum(resolve_pbr(black).base_color[:3]) < sum(resolve_pbr(white).base_color[:3])
    a = np.asarray(render_parts([box(material=white)], size_px=64)).astype(float)
    b = np.asarray(render_parts([box(material=black)], size_px=64)).astype(float)
    mask = np.any(np.abs(a - np.array(BG)) > 2, axis=2)  # the object's pixels (same geometry)
    assert mask.sum() > 500
    assert b[mask].mean() < a[mask].mean() - 100


def test_view_is_from_the_front_right():
    # a marker on the object's right side (+X) is seen from yaw 30 and hidden from yaw -30
    parts = [box((1, 1, 1), "white paint"), box((0.02, 0.6, 0.6), "red paint", offset=(0.51, 0, 0.2))]

    def red(img):
        a = np.asarray(img).astype(int)
        return int(((a[..., 0] > 120) & (a[..., 1] < 60) & (a[..., 2] < 60)).sum())

    assert red(render_parts(parts, 96, yaw_deg=30)) > 100
    assert red(render_parts(parts, 96, yaw_deg=-30)) == 0
    # from straight ahead, +X is on the viewer's left; the image is wider than tall for a long box
    toward, right, up = view_basis(0, 0)
    assert np.allclose(toward, (0, 1, 0)) and np.allclose(right, (-1, 0, 0)) and np.allclose(up, (0, 0, 1))
    img = np.asarray(render_parts([box((2.0, 0.5, 0.5))], 100, yaw_deg=0, elev_deg=0)).astype(int)
    mask = np.any(np.abs(img - np.array(BG)) > 2, axis=2)
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    assert (np.ptp(cols) + 1) / (np.ptp(rows) + 1) == pytest.approx(4.0, rel=0.1)


def test_nearer_surface_hides_the_one_behind():
    # a thin red panel 5 mm in front of a white box's front face: fully visible, never the box through it
    parts = [box((1, 0.5, 1), "white paint"), box((0.8, 0.01, 0.8), "red paint", offset=(0, 0.255, 0.1))]
    a = np.asarray(render_parts(parts, 128, yaw_deg=0, elev_deg=0)).astype(int)
    centre = a[54:74, 54:74]
    assert np.all(centre[..., 0] > 120) and np.all(centre[..., 1] < 60)


def test_open_surface_is_drawn_from_both_sides():
    tri = trimesh.Trimesh(vertices=[[-0.5, 0, 0], [0.5, 0, 0], [0, 0, 1]], faces=[[0, 1, 2]], process=False)
    for yaw in (20, 200):
        img = np.asarray(render_parts([Part("sheet", tri, "red paint")], 64, yaw_deg=yaw)).astype(int)
        assert np.any(np.abs(img - np.array(BG)) > 2)


def test_transparent_part_is_blended():
    parts = [box((1, 0.2, 1), "red paint", offset=(0, -0.3, 0)), box((1.2, 0.05, 1.2), "clear glass", offset=(0, 0.3, 0))]
    a = np.asarray(render_parts(parts, 96, yaw_deg=0, elev_deg=0)).astype(int)
    c = a[48, 48]
    assert 60 < c[0] - c[1]  # the red shows through
    assert c[1] > 15  # but lightened by the glass


def test_emissive_material_glows():
    lit = np.asarray(render_parts([box(material="warm light")], 48)).astype(int)
    assert lit[24, 24].min() > 200


def test_empty_parts_give_a_blank_image():
    img = render_parts([], size_px=40, background=(10, 20, 30))
    assert img.size == (40, 40) and np.all(np.asarray(img) == (10, 20, 30))
    with pytest.raises(ValueError):
        render_parts([], size_px=4)


def test_linear_to_srgb():
    # the transfer function the renderer encodes with (the material library's, in float64)
    def linear_to_srgb(c):
        return linear_to_srgb_array(c, dtype=np.float64)

    assert linear_to_srgb(0.0) == 0.0 and linear_to_srgb(1.0) == pytest.approx(1.0)
    assert linear_to_srgb(0.214) == pytest.approx(0.5, abs=0.01)
    assert linear_to_srgb(np.array([-0.5, 2.0])).tolist() == [0.0, pytest.approx(1.0)]  # clipped


@pytest.mark.parametrize("n, cols, grid", [(5, None, (3, 2)), (5, 2, (2, 3)), (1, None, (1, 1)), (4, 9, (4, 1))])
def test_contact_sheet_size_is_the_grid(tmp_path, n, cols, grid):
    cells = [(f"cell {k}", [box()]) for k in range(n)]
    out = contact_sheet(cells, tmp_path / "sub" / "sheet.png", cell_px=64, cols=cols)
    assert out == tmp_path / "sub" / "sheet.png"
    with Image.open(out) as im:
        assert im.format == "PNG" and im.size == (grid[0] * 64, grid[1] * 64)
        a = np.asarray(im.convert("RGB")).astype(int)
    # every used cell has a label (dark text in its top band) and an object below it
    for k in range(n):
        r, c = divmod(k, grid[0])
        cell = a[r * 64:(r + 1) * 64, c * 64:(c + 1) * 64]
        assert (cell[1:12, 2:60] < 100).any()
        assert (np.abs(cell[16:62, 2:62] - np.array(BG)) > 30).any()
    assert not [p for p in out.parent.iterdir() if p.name != "sheet.png"]  # no temporary files left


def test_contact_sheet_long_labels_and_errors(tmp_path):
    long = "a very long label " * 10
    out = contact_sheet([(long, [box()])], tmp_path / "s.png", cell_px=96)
    with Image.open(out) as im:
        assert im.size == (96, 96)
    # a label too wide for its cell is cut with "..." to fit; a short one is kept as it is
    from worldsmith.render.plan import _font

    draw, font = ImageDraw.Draw(Image.new("RGB", (8, 8))), _font("regular", 12)
    cut = _fit_label(draw, long, 88, font)
    assert cut.endswith("...") and long.startswith(cut[:-3]) and len(cut) < len(long)
    assert draw.textlength(cut, font=font) <= 88
    assert _fit_label(draw, "short", 88, font) == "short"
    with pytest.raises(ValueError):
        contact_sheet([], tmp_path / "e.png")
    with pytest.raises(ValueError, match="cell_px"):
        contact_sheet([("x", [box()])], tmp_path / "e.png", cell_px=16)
    assert not (tmp_path / "e.png").exists()


def test_sketch_is_light_to_import():
    code = ("import sys, worldsmith.render.sketch as s; "
            "heavy = [m for m in ('torch', 'sentence_transformers', 'moderngl', 'mitsuba', 'bpy', "
            "'worldsmith.assets.procedural') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_renders_a_procedural_asset_quickly_enough():
    from worldsmith.assets import catalog, make_asset
    from worldsmith.assets.build import build_object_parts
    from worldsmith.scene import ObjectInstance

    ref, size = make_asset("armchair", np.random.default_rng(0))
    parts = build_object_parts(ObjectInstance("a", "armchair", ref, (0, 0, 0), size))
    img = np.asarray(render_parts(parts, 128)).astype(int)
    covered = np.any(np.abs(img - np.array(BG)) > 2, axis=2).mean()
    assert 0.15 < covered < 0.9
    assert catalog.get("armchair").support == "floor"
