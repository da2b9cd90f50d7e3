"""The datagen job spec: what a dataset is built from, and the scene tasks it expands to.

A :class:`JobSpec` holds everything that decides a dataset's **content** (prompts or room types,
scene and view counts, image size, outputs, randomization, seed ...) plus how the work is **run**
(executor, address, workers), which never changes a byte of the output: the local process pool and
Ray give the same samples. ``DIR/job.json`` records the content part; rerunning into ``DIR`` with a
different content part is refused (:func:`check_same_job`), so a resumed dataset never mixes two
specs.

Scene ``i`` (0-based) gets:

* its prompt: with ``--prompts``, record ``i mod len(prompts)``; with ``--room-types``, room type
  ``i mod len(types)`` described as ``"a <style> <room>"`` (the style drawn from that room type's
  styles in the planner's knowledge, weighted as the planner weighs them, with the scene's seed; ``"a bedroom"`` when it has none);
* its seed: ``derive_seed(spec.seed, "datagen-scene", i) mod 2**31`` (stable across machines);
* its key: ``s{i:06d}``, and frame ``v`` of it the key ``s{i:06d}_v{v:03d}``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..scene.rng import derive_rng, derive_seed
from .errors import DatagenError

#: what a frame carries unless asked otherwise (any of :data:`.writers.OUTPUTS`)
DEFAULT_OUTPUTS = ("rgb", "depth", "instance", "semantic")
BACKENDS = ("gl", "pbr")
EXECUTORS = ("local", "ray")
#: the spec fields that do not change the samples (how the job runs; shards are re-cut on a rerun)
RUN_FIELDS = ("out", "executor", "address", "workers", "command", "shard_size")
SEED_RANGE = 2**31
#: version of the folder layout and job.json
LAYOUT_VERSION = 1


@dataclass(frozen=True)
class SceneTask:
    """One scene to build: its index, key, prompt, room type (``None`` for free prompts) and seed."""

    index: int
    key: str
    prompt: str
    prompt_id: str
    room_type: str | None
    seed: int


@dataclass(frozen=True)
class JobSpec:
    """A datagen job (see the module doc). ``prompts`` are ``{"id", "prompt"}`` records (from
    ``--prompts``) and ``room_types`` names from the planner's knowledge; exactly one is given."""

    out: str
    prompts: tuple = ()
    room_types: tuple[str, ...] = ()
    scenes: int = 10
    views: int = 10
    backend: str = "gl"
    width: int = 640
    height: int = 480
    outputs: tuple[str, ...] = DEFAULT_OUTPUTS
    randomization: dict = field(default_factory=dict)
    seed: int = 0
    planner: str = "offline"
    topdown: bool = False
    panorama: bool = False
    shard_size: int = 1000
    min_objects: int = 3
    spp: int = 32
    executor: str = "local"
    address: str | None = None
    workers: int = 1
    command: str = ""

    def __post_init__(self) -> None:
        if bool(self.prompts) == bool(self.room_types):
            raise DatagenError("give exactly one of --prompts FILE or --room-types a,b,...")
        for name, lo, hi in (("scenes", 1, 10_000_000), ("views", 1, 1000), ("width", 16, 8192),
                             ("height", 16, 8192), ("workers", 1, 4096), ("min_objects", 0, 100),
                             ("spp", 1, 65536)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
                raise DatagenError(f"--{name.replace('_', '-')} must be an integer from {lo} to {hi}, got {v!r}")
        if not isinstance(self.shard_size, int) or self.shard_size < 0:
            raise DatagenError(f"--shard-size must be a whole number of samples (0: no shards), got {self.shard_size!r}")
        if self.backend not in BACKENDS:
            raise DatagenError(f"unknown --backend {self.backend!r}; choose one of: {', '.join(BACKENDS)}")
        if self.executor not in EXECUTORS:
            raise DatagenError(f"unknown --executor {self.executor!r}; choose one of: {', '.join(EXECUTORS)}")
        if self.address and self.executor != "ray":
            raise DatagenError("--address names a Ray cluster; use it with --executor ray")
        if self.planner != "offline":
            raise DatagenError(f"datagen builds scenes with the offline planner; got --planner {self.planner!r}")
        from .writers import check_outputs

        outs = check_outputs(self.outputs, "--outputs")
        if "rgb" not in outs:
            raise DatagenError("--outputs must include rgb")
        object.__setattr__(self, "outputs", outs)
        if self.room_types:
            from ..policy.offline.knowledge import room_type_names

            known = room_type_names()
            bad = [r for r in self.room_types if r not in known]
            if bad:
                raise DatagenError(f"unknown room type {bad[0]!r}; known: {', '.join(known)}")
        if not isinstance(self.seed, int) or isinstance(self.seed, bool) or self.seed < 0:
            raise DatagenError(f"--seed must be a non-negative integer, got {self.seed!r}")

    # ------------------------------------------------------------------ identity
    def content(self) -> dict[str, Any]:
        """The fields that decide the output, as JSON (written to ``job.json``)."""
        d = dataclasses.asdict(self)
        for k in RUN_FIELDS:
            d.pop(k, None)
        d["prompts"] = [dict(p) for p in self.prompts]
        d["room_types"] = list(self.room_types)
        d["outputs"] = list(self.outputs)
        d["layout_version"] = LAYOUT_VERSION
        return d

    @property
    def out_dir(self) -> Path:
        return Path(self.out)

    @property
    def frames_per_scene(self) -> int:
        return self.views + int(self.topdown) + int(self.panorama)

    # ------------------------------------------------------------------ tasks
    def tasks(self) -> list[SceneTask]:
        """Every scene task, in index order (see the module doc)."""
        return [self.task(i) for i in range(self.scenes)]

    def task(self, i: int) -> SceneTask:
        seed = derive_seed(self.seed, "datagen-scene", i) % SEED_RANGE
        if self.prompts:
            rec = self.prompts[i % len(self.prompts)]
            return SceneTask(i, scene_key(i), str(rec["prompt"]), str(rec.get("id", f"prompt_{i}")), None, seed)
        rt = self.room_types[i % len(self.room_types)]
        return SceneTask(i, scene_key(i), room_type_prompt(rt, seed), rt, rt, seed)


def scene_key(i: int) -> str:
    return f"s{i:06d}"


def frame_key(scene: str, view: int) -> str:
    return f"{scene}_v{view:03d}"


def room_type_prompt(room_type: str, seed: int) -> str:
    """``"a <style> <room>"`` for a room type of the planner's knowledge (style drawn with ``seed``)."""
    from ..policy.offline.knowledge import knowledge

    rt = knowledge().room(room_type)
    display = str(rt.get("display") or room_type.replace("_", " "))
    raw = rt.get("styles") or {}
    weights = raw if isinstance(raw, dict) else {s: 1.0 for s in raw}
    styles = sorted(s for s, w in weights.items() if isinstance(s, str) and float(w) > 0)
    if not styles:
        return f"a {display}"
    p = [float(weights[s]) for s in styles]
    style = styles[int(derive_rng(seed, "datagen-style").choice(len(styles), p=[w / sum(p) for w in p]))]
    return f"a {style.replace('_', ' ')} {display}"


def parse_list(text: str | None) -> tuple[str, ...]:
    """Comma-separated names (blank entries dropped)."""
    if not text:
        return ()
    return tuple(x.strip() for x in str(text).split(",") if x.strip())


def check_same_job(recorded: dict[str, Any], spec: JobSpec, where: Path) -> None:
    """Refuse to resume ``where`` with a spec whose content differs from the recorded one."""
    now = spec.content()
    diff = sorted(k for k in set(recorded) | set(now) if recorded.get(k) != now.get(k))
    if diff:
        raise DatagenError(f"{where} holds a dataset built with different settings ({', '.join(diff)} differ); "
                           "use a new --out or the same settings to resume")


__all__ = ["BACKENDS", "DEFAULT_OUTPUTS", "EXECUTORS", "JobSpec", "SceneTask", "check_same_job",
           "frame_key", "parse_list", "room_type_prompt", "scene_key"]
