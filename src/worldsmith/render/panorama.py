"""Equirectangular panoramas from six perspective cube faces.

No backend draws an equirectangular image directly. :func:`render_panorama` renders six square
90 degree perspective views from the panorama camera's position (:func:`cube_faces`) with any
:class:`~worldsmith.render.Renderer` and resamples them into the equirectangular image, following
the convention of :mod:`.camera` (longitude ``atan2(x, z)`` positive to the right, latitude
``asin(-y)`` positive up, in the panorama camera's OpenCV frame).

Decisions:

* Faces are ``side = ceil(width / 4)`` pixels (the panorama's resolution at each face's centre)
  plus a one-pixel border all round (:data:`PAD`) rendered by a slightly wider field of view, so
  bilinear filtering never has to clamp at a seam. They turn with the panorama camera: face ``k``'s
  ``cam_to_world`` is the panorama's times :data:`FACE_ROTATIONS` ``[k]`` (front, right, back, left,
  up, down). ``hidden``, ``cutaway``, ``near`` and ``far`` are copied to every face.
* ``rgb`` and ``albedo`` are filtered bilinearly; ``instance``, ``semantic`` and ``normal`` (world
  space, so faces need no rotation) are sampled at the nearest face pixel.
* ``depth`` becomes the **range** along the panorama ray: ``range = z / cos``, with ``z`` the face's
  camera-axis depth and ``cos`` the cosine between the ray and the face axis. ``z`` comes from
  the nearest face pixel's surface: when that surface is flat there (another of the four face
  pixels around the sample shows the same instance with the same normal and the same plane offset
  ``n . X``), the panorama ray is intersected with that plane, which is exact; otherwise
  (smooth-shaded curved parts, slivers, grazing views) the nearest pixel's depth is used. So depth
  always belongs to the surface the ``instance`` output names. ``inf`` (background) stays
  ``inf``. To find the planes the faces are also rendered with ``instance`` and ``normal`` when
  ``depth`` is asked for; they are dropped afterwards unless asked for too. (Faces without
  normals, as :func:`resample` may get them, interpolate inverse depth between four pixels of one
  instance instead.)
* The lookup from panorama pixels to face pixels depends only on the image sizes (the faces turn
  with the camera), so it is computed once per size and cached.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable

import numpy as np

from .camera import Camera
from .errors import RenderError
from .frame import Frame, parse_outputs

if TYPE_CHECKING:
    from ..scene import Scene

__all__ = ["CHUNK_PX", "FACE_NAMES", "FACE_ROTATIONS", "PAD", "cube_faces", "equirect_lookup", "face_size",
           "render_panorama", "resample"]

FACE_NAMES = ("front", "right", "back", "left", "up", "down")


def _rot(right: tuple[float, float, float], down: tuple[float, float, float],
         fwd: tuple[float, float, float]) -> np.ndarray:
    return np.array([right, down, fwd], dtype=float).T  # columns: the face's axes in panorama camera space


#: face -> 3x3 rotation whose columns are the face camera's (right, down, forward) axes in the
#: panorama camera's OpenCV frame (+x right, +y down, +z forward)
FACE_ROTATIONS = (
    _rot((1, 0, 0), (0, 1, 0), (0, 0, 1)),     # front: +z
    _rot((0, 0, -1), (0, 1, 0), (1, 0, 0)),    # right: +x
    _rot((-1, 0, 0), (0, 1, 0), (0, 0, -1)),   # back: -z
    _rot((0, 0, 1), (0, 1, 0), (-1, 0, 0)),    # left: -x
    _rot((1, 0, 0), (0, 0, 1), (0, -1, 0)),    # up: -y
    _rot((1, 0, 0), (0, 0, -1), (0, 1, 0)),    # down: +y
)
#: border pixels rendered around each face
PAD = 1


def face_size(width: int) -> int:
    """Cube face side (without the border) for a panorama ``width`` pixels wide."""
    return max(2, int(math.ceil(int(width) / 4.0)))


def _face_fov_deg(side: int, pad: int) -> float:
    # f = side / 2 pixels for the inner face (exactly 90 degrees); the border widens the view
    return math.degrees(2.0 * math.atan((side + 2 * pad) / float(side)))


def cube_faces(camera: Camera, side: int | None = None, pad: int = PAD) -> list[Camera]:
    """The six perspective face cameras of an equirectangular ``camera`` (see the module doc)."""
    if camera.projection != "equirectangular":
        raise RenderError(f"expected an equirectangular camera for cube faces, got {camera.projection!r}")
    s = face_size(camera.width) if side is None else int(side)
    n = s + 2 * pad
    fov = _face_fov_deg(s, pad)
    c2w = camera.c2w
    faces = []
    for name, rot in zip(FACE_NAMES, FACE_ROTATIONS):
        m = np.eye(4)
        m[:3, :3] = c2w[:3, :3] @ rot
        m[:3, 3] = c2w[:3, 3]
        faces.append(Camera(name=f"{camera.name}_{name}", projection="perspective", width=n, height=n,
                            cam_to_world=tuple(tuple(float(x) for x in row) for row in m), fov_y_deg=fov,
                            near=camera.near, far=camera.far, hidden=camera.hidden, cutaway=camera.cutaway,
                            cut_height_m=camera.cut_height_m))
    return faces


@lru_cache(maxsize=4)
def equirect_lookup(width: int, height: int, side: int,
                    pad: int = PAD) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For every pixel of a ``width`` x ``height`` panorama: ``(face, u, v, cos)`` (H x W each):
    the face index (into :data:`FACE_NAMES`), the continuous pixel coordinates on that face's
    (bordered) image in the convention of :mod:`.camera`, and the cosine between the pixel's ray
    and the face axis. Arrays are read-only and cached per size."""
    rows, cols = np.mgrid[0:height, 0:width]
    lon = ((cols + 0.5) / width - 0.5) * 2.0 * math.pi
    lat = (0.5 - (rows + 0.5) / height) * math.pi
    d = np.stack([np.cos(lat) * np.sin(lon), -np.sin(lat), np.cos(lat) * np.cos(lon)], axis=-1)  # (H, W, 3)
    ax = np.abs(d)
    face = np.where(ax[..., 2] >= np.maximum(ax[..., 0], ax[..., 1]),
                    np.where(d[..., 2] > 0, 0, 2),
                    np.where(ax[..., 0] >= ax[..., 1], np.where(d[..., 0] > 0, 1, 3), np.where(d[..., 1] < 0, 4, 5)))
    local = np.empty_like(d)
    for k, rot in enumerate(FACE_ROTATIONS):
        sel = face == k
        local[sel] = d[sel] @ rot  # R^T d: the direction in face camera coordinates
    f = side / 2.0
    c = (side + 2 * pad) / 2.0 - 0.5
    cos = local[..., 2]
    u = f * local[..., 0] / cos + c
    v = f * local[..., 1] / cos + c
    out = (face.astype(np.int8), u, v, cos)
    for a in out:
        a.setflags(write=False)
    return out


def _bilinear_parts(u: np.ndarray, v: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    x0 = np.clip(np.floor(u).astype(np.int64), 0, n - 2)
    y0 = np.clip(np.floor(v).astype(np.int64), 0, n - 2)
    fx = np.clip(u - x0, 0.0, 1.0)
    fy = np.clip(v - y0, 0.0, 1.0)
    return x0, y0, fx, fy


#: panorama pixels resampled at a time (whole rows; bounds the temporary memory of big panoramas)
CHUNK_PX = 1 << 17


def resample(faces: list[dict[str, np.ndarray]], width: int, height: int, side: int, pad: int = PAD, *,
             rotation: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Resample per-face images (``faces[k][output]`` on face ``k`` of :data:`FACE_NAMES`) into
    ``width`` x ``height`` equirectangular images (see the module doc for the filters).

    ``rotation`` is the panorama camera's 3x3 camera-to-world rotation (identity when None); it
    turns the faces' world-space normals into the face frames for the same-plane test of
    ``depth``. Without ``normal`` in the faces, four depths count as one surface when they show one
    instance and their inverse depths are affine (a weaker test: it misses a step along a row)."""
    width, height, side, pad = int(width), int(height), int(side), int(pad)
    face, u, v, cos = equirect_lookup(width, height, side, pad)
    n = side + 2 * pad
    names = set(faces[0])

    def stack(name: str) -> np.ndarray:
        return np.stack([f[name] for f in faces])  # (6, n, n, ...)

    src = {name: stack(name) for name in names}
    planes = None
    if "depth" in names and "instance" in names and "normal" in names:
        planes = _face_planes(src["depth"], src["normal"], side, pad, rotation)
    out: dict[str, np.ndarray] = {}
    for name in names & {"rgb", "albedo", "instance", "semantic", "normal"}:
        out[name] = np.empty((height, width) + src[name].shape[3:], dtype=src[name].dtype)
    if "depth" in names:
        out["depth"] = np.empty((height, width), dtype=np.float32)
    step = max(1, CHUNK_PX // max(width, 1))
    for r0 in range(0, height, step):
        rs = slice(r0, min(height, r0 + step))
        fi = face[rs].astype(np.int64)
        uu, vv = u[rs], v[rs]
        ni = np.clip(np.rint(uu).astype(np.int64), 0, n - 1)
        nj = np.clip(np.rint(vv).astype(np.int64), 0, n - 1)
        x0, y0, fx, fy = _bilinear_parts(uu, vv, n)
        for name in ("rgb", "albedo"):
            if name in names:
                img = src[name]
                a, b = img[fi, y0, x0].astype(np.float32), img[fi, y0, x0 + 1].astype(np.float32)
                c, d = img[fi, y0 + 1, x0].astype(np.float32), img[fi, y0 + 1, x0 + 1].astype(np.float32)
                wx, wy = fx[..., None].astype(np.float32), fy[..., None].astype(np.float32)
                val = (a * (1 - wx) + b * wx) * (1 - wy) + (c * (1 - wx) + d * wx) * wy
                out[name][rs] = np.clip(np.rint(val), 0, 255).astype(np.uint8)
        for name in ("instance", "semantic", "normal"):
            if name in names:
                out[name][rs] = src[name][fi, nj, ni]
        if "depth" in names:
            dep = src["depth"]
            z = dep[fi, nj, ni].astype(np.float64)
            if planes is not None:
                z = _plane_depth(planes, src["instance"], fi, x0, y0, fx, fy, ni, nj, uu, vv, z, dep, side, pad)
            elif "instance" in names:
                z = _affine_depth(dep, src["instance"], fi, x0, y0, fx, fy, z)
            with np.errstate(divide="ignore", invalid="ignore"):
                out["depth"][rs] = np.where(np.isfinite(z), z / cos[rs], np.inf).astype(np.float32)
    return out


def _affine_depth(dep: np.ndarray, ids: np.ndarray, fi: np.ndarray, x0: np.ndarray, y0: np.ndarray,
                  fx: np.ndarray, fy: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Without normals: inverse depth bilinear when the four pixels show one instance and their
    inverse depths are affine; ``z`` elsewhere."""
    q = [(y0, x0), (y0, x0 + 1), (y0 + 1, x0), (y0 + 1, x0 + 1)]
    zs = [dep[fi, r, c].astype(np.float64) for r, c in q]
    i00 = ids[fi, y0, x0]
    use = np.isfinite(zs[0]) & (zs[0] > 0)
    for (r, c), zz in zip(q[1:], zs[1:]):
        use &= (ids[fi, r, c] == i00) & np.isfinite(zz) & (zz > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = [np.where(use, 1.0 / zz, 0.0) for zz in zs]
        use &= np.abs(inv[0] + inv[3] - inv[1] - inv[2]) <= 1e-4 * np.maximum(
            np.maximum(inv[0], inv[3]), np.maximum(inv[1], inv[2]))
        iz = (inv[0] * (1 - fx) + inv[1] * fx) * (1 - fy) + (inv[2] * (1 - fx) + inv[3] * fx) * fy
        return np.where(use, 1.0 / np.where(use, iz, 1.0), z)


def _face_planes(dep: np.ndarray, normals: np.ndarray, side: int, pad: int,
                 rotation: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per face pixel: the normal in face camera coordinates, the plane offset ``c = n . X``
    (``X = depth * ray``, ``ray = ((x - cx) / f, (y - cy) / f, 1)``) and whether it has a depth."""
    rot = np.eye(3) if rotation is None else np.asarray(rotation, dtype=float)
    f = side / 2.0
    n = side + 2 * pad
    cpx = n / 2.0 - 0.5
    world_rot = np.einsum("ij,fjk->fik", rot, np.stack(FACE_ROTATIONS))  # face camera -> world
    nf = np.einsum("fji,fyxj->fyxi", world_rot, normals.astype(np.float64))  # (6, n, n, 3)
    grid = np.arange(n, dtype=np.float64)
    rays = np.stack(np.broadcast_arrays((grid[None, :] - cpx) / f, (grid[:, None] - cpx) / f, np.ones((n, n))),
                    axis=-1)
    finite = np.isfinite(dep) & (dep > 0)
    off = np.where(finite, dep, 0.0) * np.einsum("fyxi,yxi->fyx", nf, rays)  # (6, n, n)
    return nf, off, finite


def _plane_depth(planes: tuple[np.ndarray, np.ndarray, np.ndarray], ids: np.ndarray, fi: np.ndarray,
                 x0: np.ndarray, y0: np.ndarray, fx: np.ndarray, fy: np.ndarray, ni: np.ndarray, nj: np.ndarray,
                 u: np.ndarray, v: np.ndarray, z: np.ndarray, dep: np.ndarray, side: int, pad: int) -> np.ndarray:
    """Camera-axis depth (face camera) at the exact sample points: on the nearest face pixel's
    plane where that surface is flat, inverse depth bilinear where it is smoothly curved, ``z`` (the
    nearest pixel's depth) elsewhere. See the module doc."""
    nf, off, finite = planes
    f = side / 2.0
    cpx = (side + 2 * pad) / 2.0 - 0.5
    q = [(y0, x0), (y0, x0 + 1), (y0 + 1, x0), (y0 + 1, x0 + 1)]
    n0, c0, i0 = nf[fi, nj, ni], off[fi, nj, ni], ids[fi, nj, ni]
    flat = np.zeros(z.shape, dtype=bool)
    for r, c in q:
        other = (r != nj) | (c != ni)
        flat |= other & (ids[fi, r, c] == i0) & finite[fi, r, c] & \
            (np.einsum("...i,...i->...", nf[fi, r, c], n0) > 0.9999) & \
            (np.abs(off[fi, r, c] - c0) <= 2e-4 + 1e-4 * np.abs(c0))
    su, sv = (u - cpx) / f, (v - cpx) / f  # the sample's ray, z = 1
    denom = n0[..., 0] * su + n0[..., 1] * sv + n0[..., 2]
    unit = np.abs(denom) / np.sqrt(su * su + sv * sv + 1.0)
    ok = np.isfinite(z) & (z > 0) & (unit > 0.02) & (np.abs(c0) > 1e-6)
    use = flat & ok
    with np.errstate(divide="ignore", invalid="ignore"):
        zp = np.where(use, c0 / np.where(use, denom, 1.0), z)
    use &= zp > 0
    # curved but smooth (one instance, normals within ~25 degrees, every depth within 0.5 % + 2 mm
    # of the nearest pixel's tangent plane): inverse depth bilinear, second-order accurate
    smooth = ok & ~use
    zs = []
    for r, c in q:
        zq = dep[fi, r, c].astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            pred = c0 / (n0[..., 0] * (c - cpx) / f + n0[..., 1] * (r - cpx) / f + n0[..., 2])
            smooth &= (ids[fi, r, c] == i0) & finite[fi, r, c] & \
                (np.einsum("...i,...i->...", nf[fi, r, c], n0) > 0.9) & (np.abs(zq - pred) <= 0.005 * z + 0.002)
        zs.append(zq)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = [np.where(smooth, 1.0 / zq, 0.0) for zq in zs]
        iz = (inv[0] * (1 - fx) + inv[1] * fx) * (1 - fy) + (inv[2] * (1 - fx) + inv[3] * fx) * fy
        zb = 1.0 / np.where(smooth, iz, 1.0)
    return np.where(use, zp, np.where(smooth, zb, z))


def render_panorama(renderer: Any, scene: "Scene", camera: Camera, outputs: Iterable[str] | str = ("rgb",),
                    **options: Any) -> Frame:
    """Render an equirectangular ``camera`` with ``renderer`` as six cube faces and resample them
    (see the module doc). Returns a :class:`Frame` with the panorama camera; ``depth`` is the range
    along each ray. ``options`` go to every face's ``renderer.render`` call."""
    if camera.projection != "equirectangular":
        raise RenderError(f"expected an equirectangular camera for a panorama, got {camera.projection!r}; "
                          "render other cameras with renderer.render")
    wanted = parse_outputs(outputs)
    side = face_size(camera.width)
    ask = set(wanted) | ({"instance", "normal"} if "depth" in wanted else set())
    frames = [renderer.render(scene, face_cam, frozenset(ask), **options) for face_cam in cube_faces(camera, side)]
    images = resample([f.images for f in frames], camera.width, camera.height, side, rotation=camera.c2w[:3, :3])
    images = {k: v for k, v in images.items() if k in wanted}
    first = frames[0]
    stats = {"faces": len(frames), "face_px": side + 2 * PAD,
             "face_stats": [dict(f.stats) for f in frames]}
    return Frame(camera=camera, images=images, instances=first.instances, categories=first.categories,
                 backend=getattr(first, "backend", "") or getattr(renderer, "name", ""), stats=stats)
