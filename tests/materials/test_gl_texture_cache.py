"""The gl renderer's texture uploads from the texture map cache: maps are shared by the bytes of
their cached files, so a tint's roughness and normal maps (the same bytes under another name) are
neither read nor decoded again, and the images are exactly those of a fresh renderer."""

from __future__ import annotations

import hashlib
import os

import numpy as np
import pytest

pytest.importorskip("moderngl")

from worldsmith.dsl import execute  # noqa: E402
from worldsmith.materials import resolve_material  # noqa: E402
from worldsmith.materials.maps import texture_map_files  # noqa: E402
from worldsmith.render import gl as gl_mod  # noqa: E402
from worldsmith.render.camera import Camera  # noqa: E402
from worldsmith.render.gl import GLRenderer  # noqa: E402
from worldsmith.scene import Scene  # noqa: E402

PX = 64  # texture size: small, so the maps generate quickly in the test's own cache


def _room(floor: str, wall: str) -> Scene:
    program = (f'room("bedroom", width=4, depth=3, height=2.6)\nmaterial("floor", "{floor}")\n'
               f'material("wall_0", "{wall}")\nmaterial("wall_1", "{wall}")\n'
               'light("ceiling", at=(2, 1.5), watts=60)\n')
    return execute(program, Scene(prompt="x", seed=0), seed=0).scene


CAMERA = Camera.look_at("view", (3.6, 2.6, 1.6), (0.5, 0.2, 0.8), width=96, height=72, fov_y_deg=75)


@pytest.fixture
def decodes(monkeypatch):
    """The digests of the image files the gl renderer decodes, in order."""
    seen: list[str] = []
    real = gl_mod._decode

    def counting(data, mode):
        seen.append(hashlib.sha1(data).hexdigest())
        return real(data, mode)

    monkeypatch.setattr(gl_mod, "_decode", counting)
    gl_mod._DIGESTS.clear()
    return seen


def _files(desc: str) -> dict[str, str]:
    return texture_map_files(resolve_material(desc), resolution=PX)[0]


def test_tinted_maps_share_textures_and_render_as_a_fresh_renderer(decodes):
    a = _room("oak planks", "blue velvet")
    b = _room("white oak planks", "red velvet")
    # the tints' roughness and normal maps are other files with the same bytes; the albedo differs
    for x, y in (("oak planks", "white oak planks"), ("blue velvet", "red velvet")):
        fx, fy = _files(x), _files(y)
        assert fx["roughness"] != fy["roughness"]
        for name in ("albedo", "roughness", "normal"):
            same = open(fx[name], "rb").read() == open(fy[name], "rb").read()
            assert same == (name != "albedo"), name
    warm = GLRenderer(texture_px=PX)
    warm.render(a, CAMERA, "rgb")
    assert len(decodes) == 6  # two materials x (albedo, roughness, normal)
    second = warm.render(b, CAMERA, "rgb")
    assert len(decodes) == 8  # only the two new albedo maps
    back = warm.render(a, CAMERA, "rgb")  # another scene: uploaded again, its textures from the GPU cache
    last = warm.render(b, CAMERA, "rgb")
    assert len(decodes) == 8 and back.stats["relit"] is False and last.stats["relit"] is False
    fresh_a = GLRenderer(texture_px=PX).render(a, CAMERA, "rgb")
    fresh_b = GLRenderer(texture_px=PX).render(b, CAMERA, "rgb")
    assert len(decodes) == 20  # each fresh renderer decodes its own six
    assert np.array_equal(back.rgb, fresh_a.rgb)
    assert np.array_equal(second.rgb, fresh_b.rgb) and np.array_equal(last.rgb, fresh_b.rgb)
    assert not np.array_equal(fresh_a.rgb, fresh_b.rgb)  # the maps matter to the picture


def test_a_rewritten_map_file_is_read_again(decodes, tmp_path):
    src = _files("oak planks")
    other = _files("walnut planks")
    path = tmp_path / "map.png"
    path.write_bytes(open(src["albedo"], "rb").read())
    r = GLRenderer(texture_px=PX)
    t1 = r._texture(str(path), "RGB")
    assert r._texture(str(path), "RGB") is t1 and len(decodes) == 1
    assert r._texture(src["albedo"], "RGB") is t1 and len(decodes) == 1  # same bytes, other file
    assert r._texture(str(path), "L") is not t1 and len(decodes) == 2  # another mode is another texture
    tmp = tmp_path / "map.tmp"
    tmp.write_bytes(open(other["albedo"], "rb").read())
    os.replace(tmp, path)
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # a new stamp even on coarse clocks
    t2 = r._texture(str(path), "RGB")
    assert t2 is not t1 and len(decodes) == 3
    assert decodes[-1] == hashlib.sha1(open(other["albedo"], "rb").read()).hexdigest()
