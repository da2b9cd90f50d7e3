"""Where each item goes on one target: points in the close view, lifted, checked, placed.

One code path for both pointers. For each surface that has items (in the order the items name
them), the close view (:func:`.view.surface_view`) gives the camera; each item gets a normalised
point; the point is **lifted** to the surface plane (:func:`.pointing.lift`: off the image, or a
ray not coming down to the plane, is rejected), its spot must lie on the surface polygon ("off the
surface"), and the item's footprint there must pass :class:`worldsmith.layout.fill.SurfaceChecker`
(headroom, edge margin, gaps to everything already there and to the items placed before it). A
spot that passes is committed at once, so later items keep clear of it.

- **Offline pointer**: the points are the offline plan's poses (``layout.fill.plan_fill_result``,
  the chooser's plan or one run here for items without a pose, rng
  ``derive_rng(seed, "assets", "point", target, surface)``) projected through the same camera
  (:func:`.pointing.normalise`). No image is needed. A rejected point is retried by searching
  nearby: the free spot nearest to it within ``NEARBY_REACH_M`` (``SurfaceChecker.near``); its
  ``attempts`` is then 2.
- **VLM pointer**: the close view is rendered (with the allowed area outlined and the items placed
  so far in the scene) and sent with the numbered items (``data/pointer.txt``); the reply's points
  (:func:`.pointing.parse_points`) are matched to the items: a point whose label names a category
  still waiting goes to the first such item, the others in order to the items left. An item's
  heading follows its ``items`` rule in ``dressing.json`` (the target's front, or free), else
  turned square to the target when only that fits; its position is exactly the lifted point.
  Items whose points were rejected (or missing) are asked for again with feedback naming each
  rejected point and why (``data/feedback.txt``, the conversation so far, a fresh render), up to
  ``max_retries`` times; what is still unplaced is reported as skipped.

Items without a surface go to the target's default surfaces (``SurfaceChecker.default_surfaces``)
in proportion to their capacity (largest remainders, in order); items without a size get one drawn
around the catalog's typical size and fitted to the surface (too big even at the catalog minimum:
skipped with the reason).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol, Sequence

import numpy as np

from ...scene import Scene
from ...scene.rng import derive_rng
from .choose import Want, template
from .pointing import Point, lift, normalise, parse_points
from .view import SurfaceView, render_view, surface_view

NEARBY_REACH_M = 0.1


@dataclass
class Placed:
    """An item that found its spot: bottom centre (x, y, z), heading ``yaw``, on surface
    ``surface`` of ``on``; ``point`` is the normalised point it came from."""

    want: Want
    category: str
    size: tuple[float, float, float]
    surface: int
    x: float
    y: float
    z: float
    yaw: float
    on: str
    point: tuple[float, float]
    attempts: int


class Run(Protocol):
    """What the placer needs from the policy's run of one plan."""

    seed: int
    view_size: tuple[int, int]
    max_retries: int

    def scene(self) -> Scene: ...

    def place(self, placed: Placed) -> str: ...

    def reject(self, record: dict) -> None: ...

    def skip(self, category: str, reason: str) -> None: ...

    def save_view(self, image: np.ndarray, name: str) -> None: ...

    def wants_views(self) -> bool: ...

    def ask(self, messages: list[dict]) -> str: ...


# ---------------------------------------------------------------------------------------------
# completing wants


def _allocate(n: int, caps: Sequence[float]) -> list[int]:
    caps_a = np.asarray(caps, dtype=float)
    share = caps_a / caps_a.sum() * n
    base = np.floor(share).astype(int)
    order = np.argsort(-(share - base), kind="stable")
    for i in order[: n - int(base.sum())]:
        base[i] += 1
    return [int(v) for v in base]


def assign_surfaces(checker, wants: Sequence[Want]) -> None:
    """Give wants without a surface one of the default surfaces, by capacity (module docstring)."""
    free = [w for w in wants if w.surface is None]
    if not free:
        return
    idx = checker.default_surfaces()
    quota = _allocate(len(free), [checker.capacity(i) for i in idx])
    k = 0
    for i, q in zip(idx, quota):
        for w in free[k:k + q]:
            w.surface = i
        k += q


def complete_offline(run: Run, scene: Scene, target_id: str, wants: Sequence[Want]) -> list[Want]:
    """Wants with a pose: those that have one, and the others planned by ``plan_fill_result``
    (per requested surface); the ones it could not fit are skipped."""
    from ...layout.fill import plan_fill_result

    ready = [w for w in wants if w.pose is not None]
    groups: dict[int | None, list[Want]] = {}
    for w in wants:
        if w.pose is None:
            groups.setdefault(w.surface, []).append(w)
    for surface, group in groups.items():
        result = plan_fill_result(scene, target_id, [w.category for w in group], count=len(group), surface=surface,
                                  rng=derive_rng(run.seed, "assets", "point", target_id,
                                                 "default" if surface is None else surface))
        todo = list(group)
        for it in result.items:
            w = next((w for w in todo if w.category == it.category), None)
            if w is None:
                continue
            todo.remove(w)
            w.surface, w.size, w.pose = it.surface, tuple(it.size), (it.x, it.y, it.yaw_deg)
            ready.append(w)
        reasons = {s.category: s.reason for s in result.skipped}
        for w in todo:
            run.skip(w.category, reasons.get(w.category, "no room for it"))
    return [w for w in wants if w in ready]


def complete_vlm(run: Run, checker, wants: Sequence[Want]) -> list[Want]:
    """Wants with a surface and a size (drawn and fitted when missing); those that fit nowhere
    are skipped."""
    assign_surfaces(checker, wants)
    out = []
    for w in wants:
        if w.size is None:
            size, why = checker.sample_size(w.category, w.surface)
        else:
            size, why = checker.fit(w.category, w.size, w.surface)
        if size is None:
            run.skip(w.category, why)
            continue
        w.size = tuple(round(float(v), 4) for v in size)  # type: ignore[assignment]
        out.append(w)
    return out


def surfaces_in_order(wants: Sequence[Want]) -> list[int]:
    out: list[int] = []
    for w in wants:
        if w.surface not in out:
            out.append(w.surface)  # type: ignore[arg-type]
    return out


# ---------------------------------------------------------------------------------------------
# one point


def _square(checker, yaw: float) -> float:
    t = checker.target.yaw_deg
    return (t + 90.0 * round((yaw - t) / 90.0)) % 360.0


def try_point(checker, view: SurfaceView, want: Want, point: tuple[float, float], yaws: Sequence[float],
              label: str) -> tuple[tuple[float, float, float] | None, str]:
    """Lift ``point``, check ``want`` there (each heading of ``yaws`` in turn) and commit the first
    that fits: ((x, y, yaw), "") or (None, why)."""
    xy, why = lift(view.camera, point[0], point[1], view.z)
    if xy is None:
        return None, why
    x, y = round(xy[0], 6), round(xy[1], 6)
    if not checker.on_surface(view.surface, x, y):
        return None, f"off the surface: the point lands at ({x:.2f}, {y:.2f}), not on {view.target}'s {view.name}"
    first = ""
    for yaw in yaws:
        yaw = round(float(yaw) % 360.0, 4)
        why = checker.check(want.category, want.size, view.surface, x, y, yaw)
        if not why:
            checker.commit(want.category, want.size, view.surface, x, y, yaw, label=label)
            return (x, y, yaw), ""
        first = first or why
    return None, first


def _placed(want: Want, view: SurfaceView, pose: tuple[float, float, float], point: tuple[float, float],
            attempts: int) -> Placed:
    return Placed(want, want.category, tuple(want.size), view.surface, pose[0], pose[1], round(view.z, 6),  # type: ignore[arg-type]
                  pose[2], view.target, (float(point[0]), float(point[1])), attempts)


# ---------------------------------------------------------------------------------------------
# offline pointer


def place_offline(run: Run, checker, scene: Scene, target_id: str, surface: int, wants: Sequence[Want]) -> None:
    """Point at the wants' planned poses through the close view and place them (module docstring)."""
    view = surface_view(scene, target_id, surface, run.view_size)
    world = np.array([[w.pose[0], w.pose[1], view.z] for w in wants])  # type: ignore[index]
    points = normalise(view.camera, world)
    marks = []
    for k, (w, pt) in enumerate(zip(wants, points)):
        label = f"the {w.category} at point {k + 1}"
        pose, why = try_point(checker, view, w, (float(pt[0]), float(pt[1])), [w.pose[2]], label)  # type: ignore[index]
        if pose is not None:
            run.place(_placed(w, view, pose, (float(pt[0]), float(pt[1])), 1))
            marks.append((float(pt[0]), float(pt[1]), True))
            continue
        run.reject({"target": target_id, "surface": surface, "category": w.category,
                    "point": (round(float(pt[0]), 4), round(float(pt[1]), 4)), "reason": why, "attempt": 1})
        marks.append((float(pt[0]), float(pt[1]), False))
        item = checker.near(w.category, w.size, surface, w.pose[0], w.pose[1], w.pose[2],  # type: ignore[index]
                            reach=NEARBY_REACH_M, label=label)
        if item is None:
            run.skip(w.category, f"{why}; no free spot within {NEARBY_REACH_M * 100:.0f} cm of it")
            continue
        p2 = normalise(view.camera, [[item.x, item.y, view.z]])[0]
        run.place(_placed(w, view, (item.x, item.y, round(item.yaw_deg, 4)), (float(p2[0]), float(p2[1])), 2))
        marks.append((float(p2[0]), float(p2[1]), True))
    if run.wants_views():
        now = run.scene()
        cam = surface_view(now, target_id, surface, run.view_size).camera
        run.save_view(render_view(now, cam, checker.inner_polygon(surface), view.z, marks), f"{target_id}_s{surface}")


# ---------------------------------------------------------------------------------------------
# VLM pointer


def _item_line(k: int, w: Want) -> str:
    s = w.size
    return (f"{k}. {w.category.replace('_', ' ')} ({s[0] * 100:.0f} x {s[1] * 100:.0f} cm, "  # type: ignore[index]
            f"{s[2] * 100:.0f} cm high)")  # type: ignore[index]


def assign_points(points: Sequence[Point], wants: Sequence[Want]) -> list[Point | None]:
    """The point for each want (None: none left for it): labelled points to the first waiting want
    of their category (the label's digits and brackets ignored: "mug 2"), then the rest in order to
    the wants left."""
    from .choose import resolve_small

    out: list[Point | None] = [None] * len(wants)
    rest = []
    for p in points:
        name = re.sub(r"[\d#()\[\]]+", " ", p.label).strip()  # "mug 2", "plate #1"
        cat = resolve_small(name)[0] if name else None
        k = next((i for i, w in enumerate(wants) if out[i] is None and w.category == cat), None) if cat else None
        if k is None:
            rest.append(p)
        else:
            out[k] = p
    for p in rest:
        k = next((i for i in range(len(wants)) if out[i] is None), None)
        if k is None:
            break
        out[k] = p
    return out


def pointer_text(view: SurfaceView, category: str, lines: Sequence[str]) -> str:
    where = "from the front and above" if view.kind == "top" else "from the front, under the shelf above"
    return template("pointer.txt").substitute(
        surface_text=f"the {view.name.replace('_', ' ')} (surface #{view.surface})", container=view.target,
        category=category.replace("_", " "), viewpoint=where, width_m=f"{view.width_m:.2f}",
        depth_m=f"{view.depth_m:.2f}", items="\n".join(lines))


def place_vlm(run: Run, checker, target_id: str, surface: int, wants: Sequence[Want]) -> None:
    """Ask the pointing model for the wants' points on ``surface``, with retries (module docstring)."""
    from ..vlm.messages import image_part, text_part, user_message

    numbered = {id(w): k + 1 for k, w in enumerate(wants)}
    yaws = {id(w): checker.yaw(w.category, surface) for w in wants}
    pending = list(wants)
    messages: list[dict] = []
    reply = ""
    rejected_now: list[str] = []
    accepted_now: list[str] = []
    last_reason: dict[int, str] = {}
    view = None
    for attempt in range(1, run.max_retries + 2):
        scene = run.scene()
        view = surface_view(scene, target_id, surface, run.view_size)
        image = render_view(scene, view.camera, checker.inner_polygon(surface), view.z)
        run.save_view(image, f"{target_id}_s{surface}_a{attempt}")
        lines = [_item_line(numbered[id(w)], w) for w in pending]
        if attempt == 1:
            text = pointer_text(view, scene.object(target_id).category, lines)
            messages = [user_message(text_part(text), image_part(image))]
        else:
            text = template("feedback.txt").substitute(
                rejections="\n".join(rejected_now),
                accepted=("Placed: " + ", ".join(accepted_now) + ".") if accepted_now else "Nothing was placed yet.",
                items="\n".join(lines))
            messages = messages + [{"role": "assistant", "content": reply}, user_message(text_part(text), image_part(image))]
        reply = run.ask(messages)
        points = assign_points(parse_points(reply), pending)
        rejected_now, accepted_now, still = [], [], []
        for w, p in zip(pending, points):
            k = numbered[id(w)]
            if p is None:
                why = "no point was given for it"
                rejected_now.append(f"- item {k} ({w.category.replace('_', ' ')}): {why}")
                run.reject({"target": target_id, "surface": surface, "category": w.category, "point": None,
                            "reason": why, "attempt": attempt})
                last_reason[id(w)] = why
                still.append(w)
                continue
            yaw = yaws[id(w)]
            options = [yaw] + ([_square(checker, yaw)] if abs(_square(checker, yaw) - yaw) > 1e-6 else [])
            pose, why = try_point(checker, view, w, p.xy, options, f"the {w.category} at point {k}")
            if pose is None:
                rejected_now.append(f"- point {k} for the {w.category.replace('_', ' ')} at ({p.x:g}, {p.y:g}): {why}")
                run.reject({"target": target_id, "surface": surface, "category": w.category, "point": p.xy,
                            "reason": why, "attempt": attempt})
                last_reason[id(w)] = why
                still.append(w)
                continue
            run.place(_placed(w, view, pose, p.xy, attempt))
            accepted_now.append(f"{k}. {w.category.replace('_', ' ')}")
        pending = still
        if not pending:
            return
    for w in pending:
        run.skip(w.category, f"no usable point after {run.max_retries + 1} tries "
                             f"(last: {last_reason.get(id(w), 'no point')})")


__all__ = ["NEARBY_REACH_M", "Placed", "Run", "assign_points", "assign_surfaces", "complete_offline", "complete_vlm",
           "place_offline", "place_vlm", "pointer_text", "surfaces_in_order", "try_point"]
