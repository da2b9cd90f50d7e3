"""The stability metric: MuJoCo settles the scene; hand-built scenes with known answers."""

from __future__ import annotations

import subprocess
from dataclasses import replace
import sys

import numpy as np
import pytest

pytest.importorskip("mujoco")

from worldsmith.assets.build import make_asset  # noqa: E402
from worldsmith.export.collision import is_movable  # noqa: E402
from worldsmith.metrics.stability import MetricUnavailableError, stability  # noqa: E402
from worldsmith.scene import AssetRef, ObjectInstance, Room, Scene, WorldsmithError  # noqa: E402


def _obj(category: str, oid: str, position, *, seed: int = 0, support: str = "floor", yaw: float = 0.0,
         size=None) -> ObjectInstance:
    asset, sz = make_asset(category, np.random.default_rng(seed), size)
    return ObjectInstance(oid, category, asset, position, sz, yaw_deg=yaw, support=support)


def _scene(*objects: ObjectInstance) -> Scene:
    room = Room("room_0", "room", ((0.0, 0.0), (5.0, 0.0), (5.0, 4.0), (0.0, 4.0)), 2.7)
    return Scene(rooms=(room,), objects=objects)


def _table_and_cup(lift: float = 0.0) -> Scene:
    table = _obj("table", "table_0", (2.5, 2.0, 0.0), seed=1, yaw=20.0)
    cup = _obj("cup", "cup_0", (2.45, 2.05, table.size[2] + lift), support="object:table_0", yaw=75.0)
    return _scene(table, cup)


def test_cup_resting_on_a_table_is_stable():
    r = stability(_table_and_cup())
    assert r["checked"] == 2 and r["stable"] == 2 and r["share"] == 1.0 and r["unstable"] == []
    assert r["sim_seconds"] == pytest.approx(2.0) and r["wall_seconds"] > 0


def test_cup_three_centimetres_above_the_table_falls():
    r = stability(_table_and_cup(lift=0.03))
    assert r["checked"] == 2 and r["stable"] == 1 and r["share"] == 0.5
    [u] = r["unstable"]
    assert u["id"] == "cup_0"
    assert u["moved_m"] == pytest.approx(0.03, abs=0.004)  # it fell onto the table and stayed
    assert u["turned_deg"] < 5.0


def test_a_looser_tolerance_accepts_the_small_fall():
    r = stability(_table_and_cup(lift=0.03), move_tol_m=0.05)
    assert r["share"] == 1.0


@pytest.mark.parametrize("category", ["chair", "sofa", "bookshelf", "bed"])
def test_furniture_on_the_floor_is_stable(category):
    obj = _obj(category, f"{category}_0", (2.5, 2.0, 0.0), seed=3, yaw=30.0)
    r = stability(_scene(obj))
    assert r["checked"] == 1 and r["share"] == 1.0, r


def test_an_object_floating_half_a_metre_up_falls():
    box = ObjectInstance("crate_0", "box", AssetRef("fallback", "box"), (2.5, 2.0, 0.5), (0.4, 0.3, 0.3))
    r = stability(_scene(box))
    [u] = r["unstable"]
    assert u["id"] == "crate_0" and u["moved_m"] == pytest.approx(0.5, abs=0.02) and u["turned_deg"] < 5.0
    assert r["share"] == 0.0


def test_a_short_simulation_catches_less_of_the_fall():
    box = ObjectInstance("crate_0", "box", AssetRef("fallback", "box"), (2.5, 2.0, 0.5), (0.4, 0.3, 0.3))
    r = stability(_scene(box), seconds=0.1)
    [u] = r["unstable"]
    # free fall: s = g t^2 / 2 = 4.9 cm after 0.1 s
    assert u["moved_m"] == pytest.approx(0.5 * 9.81 * 0.1 ** 2, rel=0.05)
    assert r["sim_seconds"] == pytest.approx(0.1)


def test_wall_mounted_objects_are_not_checked_and_nothing_checked_is_all_stable():
    painting = _obj("painting", "painting_0", (2.5, 0.02, 1.4), support="wall:wall_0")
    r = stability(_scene(painting))
    assert r["checked"] == 0 and r["share"] == 1.0 and r["unstable"] == []
    assert stability(_scene())["share"] == 1.0


def test_bad_arguments_are_refused():
    with pytest.raises(WorldsmithError, match="seconds"):
        stability(_scene(), seconds=-1.0)
    with pytest.raises(WorldsmithError, match="move_tol_m"):
        stability(_scene(), move_tol_m=float("nan"))


def test_missing_mujoco_names_the_extra():
    code = (
        "import sys; sys.modules['mujoco'] = None\n"
        "from worldsmith.metrics.stability import stability, MetricUnavailableError\n"
        "from worldsmith.scene import Scene\n"
        "try:\n"
        "    stability(Scene())\n"
        "except MetricUnavailableError as e:\n"
        "    print('ERR', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.startswith("ERR") and "worldsmith[physics]" in out and "\n" not in out.strip()
    assert issubclass(MetricUnavailableError, WorldsmithError)


def test_mujoco_gl_defaults_to_egl():
    code = (
        "import os; os.environ.pop('MUJOCO_GL', None)\n"
        "from worldsmith.metrics.stability import stability\n"
        "from worldsmith.scene import Scene\n"
        "stability(Scene()); print(os.environ['MUJOCO_GL'])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "egl"


def test_the_example_living_room_settles_completely():
    from pathlib import Path

    from worldsmith.dsl import execute

    text = (Path(__file__).resolve().parents[2] / "examples" / "living_room.py").read_text()
    scene = execute(text, Scene(prompt="living room", seed=0), seed=0).scene
    r = stability(scene)
    assert r["checked"] == sum(map(is_movable, scene.objects)) >= 10
    assert r["share"] == 1.0, r["unstable"]


def test_a_generated_living_room_settles(tmp_path):
    """A generated room of ~60 objects (books on shelves, things on tables, pillows on the sofa)
    keeps at least 95 % of its movable objects in place. (The ones that move in generated rooms
    are pillows stood upright in the middle of a seat, which lean back onto the backrest.)"""
    from worldsmith.pipeline.generate import generate

    scene = generate("a cozy living room with a bookshelf full of books", tmp_path, seed=0, renders=False).scene
    r = stability(scene)
    assert r["checked"] == sum(map(is_movable, scene.objects)) >= 30
    assert r["share"] >= 0.95, r["unstable"]


def test_a_desk_clamp_monitor_is_fixed_to_its_desk_not_a_free_body():
    """A monitor on a clamp arm hangs forward of a 6 cm clamp: as a free body it would topple; it is
    fixed in place (like wall-mounted things) and not counted, while a stand monitor is."""
    from worldsmith.dsl import execute

    program = (
        'room("office", width=3, depth=3, height=2.7)\n'
        'desk = add("desk", width=1.2, depth=0.6)\n'
        'place(desk, against="wall_2", at=0.5)\n'
        'add("monitor", on=desk)\n'
    )
    scene = execute(program, Scene(prompt="desk", seed=0), seed=0).scene
    monitor = next(o for o in scene.objects if o.category == "monitor")
    for support in ("arm", "stand"):
        params = {**monitor.asset.params, "support": support}
        obj = replace(monitor, asset=replace(monitor.asset, params=params))
        one = replace(scene, objects=tuple(obj if o.id == monitor.id else o for o in scene.objects))
        report = stability(one)
        assert is_movable(obj) == (support == "stand")
        assert report["checked"] == sum(1 for o in one.objects if is_movable(o))
        assert report["unstable"] == [], (support, report["unstable"])


def _pushed_together(n: int = 8) -> Scene:
    """``n`` checkout counters pushed into one another: some 10,000 contacts, more than MuJoCo's
    own arena sizing holds (it stops with "out of memory" on the first step)."""
    return _scene(*[_obj("checkout_counter", f"checkout_counter_{i}",
                         (2.0 + 0.1 * (i % 4), 1.6 + 0.2 * (i // 4), 0.0), seed=i) for i in range(n)])


def test_a_scene_with_more_contacts_than_mujocos_arena_is_simulated_with_a_larger_one(capfd, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # MuJoCo's own warning handler would also write MUJOCO_LOG.TXT here
    r = stability(_pushed_together(), seconds=0.4)
    assert r["checked"] == 8 and r["unstable"] and r["sim_seconds"] == pytest.approx(0.4)
    # the contacts are simulated: the counters push one another a few centimetres apart; with
    # their contacts dropped they would fall through the floor (0.78 m in 0.4 s)
    assert all(0.02 < u["moved_m"] < 0.3 for u in r["unstable"])
    out = capfd.readouterr()
    assert "arena" not in out.out + out.err and "out of memory" not in out.out + out.err
    assert list(tmp_path.iterdir()) == []


def test_past_the_largest_arena_the_check_fails_with_a_clear_error(monkeypatch):
    import worldsmith.metrics.stability as st

    monkeypatch.setattr(st, "MAX_ARENA_BYTES", 1 << 20)  # below MuJoCo's own sizing: no retry allowed
    with pytest.raises(WorldsmithError, match=r"too many contacts \(\d+\) to simulate in 1 MiB"):
        stability(_pushed_together(), seconds=0.4)
    assert stability(_table_and_cup())["share"] == 1.0  # a normal scene fits whatever the limit
