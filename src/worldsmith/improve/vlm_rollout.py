"""VLM rollouts for ``worldsmith improve --policy vlm``: best-of-K per episode or per step.

``--unit episode`` (default): one candidate is one episode of the VLM loop, K episodes per prompt.
``--unit step``: one episode per prompt, K replies at every step (:func:`vlm_step_candidate`).

:func:`vlm_candidate` runs :class:`worldsmith.policy.vlm.policy.VLMPolicy` through the episode
runner exactly as ``worldsmith generate --planner vlm`` does (renders as observations, rollback of
steps that make the scene worse, ``patience``, ``max_steps``; the asset phase is left out: its
replies are JSON and points, not programs), sampling at the client's temperature, and scores the
final scene. Every step keeps the chat messages that were sent (``VLMPolicy.sent``), the program
the model wrote and the executor's error or rollback, so a kept episode becomes one fine-tuning
example per step (:func:`store_steps`: images are written as PNG files into the store and
referenced by path; failed steps stay in the store with their error, and the exporters skip them,
while the error text lives on in the next step's observation).
"""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path
from typing import Any, Callable

from ..scene import Scene
from .rollout import episode_errors


def vlm_candidate(settings: Any, prompt: str, seed: int, reward: Callable, *, max_steps: int, patience: int,
                  view_size: tuple[int, int] = (512, 384)) -> tuple[dict, Scene, list[dict]]:
    """``(candidate record, final scene, steps)`` of one VLM episode (see the module doc)."""
    from ..pipeline.episode import run_episode
    from ..pipeline.observe import RenderObserver
    from ..policy.vlm.policy import VLMPolicy

    with tempfile.TemporaryDirectory(prefix="worldsmith-improve-") as work:
        policy = VLMPolicy(settings, root=Path(work))
        try:
            episode = run_episode(policy, prompt, seed=seed, max_steps=max_steps, rollback=True, patience=patience,
                                  observer=RenderObserver(work, ("topdown", "perspective"), view_size))
        finally:
            policy.close()
        steps = []
        for rec, messages in zip(episode.trajectory, policy.sent):
            # a reply that was only done() ran no program; the model's answer was "done()"
            steps.append({"messages": messages, "program": rec["program"] if rec["program"].strip() else "done()",
                          "error": None if rec["ok"] else rec["error"]})
    result = reward(prompt, episode.scene)
    program = "\n".join(p for _, p in episode.programs)
    cand = {"seed": seed, "program": program, "blocks": len(episode.trajectory), "applied": len(episode.programs),
            "errors": episode_errors(episode)[:20], "reward": result.total, "breakdown": dict(result.breakdown),
            "objects": len(episode.scene.objects), "stop_reason": episode.stop_reason, "usage": episode.usage}
    return cand, episode.scene, steps


def store_steps(steps: list[dict], write_png: Callable[[str, bytes], str], sample_id: str) -> list[dict]:
    """The steps with every data-URL image written out (``write_png(name, data) -> store path``)
    and replaced by ``{"type": "image", "path": ...}``; the observation text is kept as sent."""
    out = []
    for i, step in enumerate(steps):
        messages = []
        n = 0
        for m in step["messages"]:
            content = m["content"]
            if isinstance(content, list):
                parts = []
                for part in content:
                    if part.get("type") == "image_url":
                        url = part["image_url"]["url"]
                        data = base64.b64decode(url.split(",", 1)[1])
                        parts.append({"type": "image", "path": write_png(f"{sample_id}-s{i:02d}-{n}", data)})
                        n += 1
                    else:
                        parts.append(part)
                content = parts
            messages.append({"role": m["role"], "content": content})
        text = "\n".join(p.get("text", "") for m in messages if m["role"] == "user"
                         for p in (m["content"] if isinstance(m["content"], list) else [{"text": m["content"]}]))
        rec = {"messages": messages, "observation": text, "program": step["program"], "error": step["error"]}
        if "alternatives" in step:
            rec["alternatives"] = step["alternatives"]
        out.append(rec)
    return out


def vlm_step_candidate(settings: Any, prompt: str, seed: int, reward: Callable, k: int, *, max_steps: int,
                       patience: int, view_size: tuple[int, int] = (512, 384)) -> tuple[dict, Scene, list[dict]]:
    """Step-level best-of-K (``--unit step``): at every step the model answers the same observation
    ``k`` times (sampling at the client's temperature), each program runs from the current scene
    and is scored by ``reward``; the best one that runs is applied when it does not lower the
    reward (a failed or worse best leaves the scene as it was and its error or rollback is the
    next observation's ``last_error``). Stops at ``done()`` from the chosen reply, after
    ``patience`` steps without a better reward, or at ``max_steps``. Returns what
    :func:`vlm_candidate` returns; each kept step also lists its ``alternatives`` (reward of every
    reply, -1 for one that failed)."""
    from ..dsl import DSLError, execute
    from ..dsl.actions import AddObject
    from ..pipeline.episode import scene_fidelity, scene_metrics
    from ..pipeline.observe import RenderObserver
    from ..policy.protocol import Observation
    from ..policy.vlm.policy import VLMPolicy

    scene = Scene(prompt=prompt, seed=seed)
    steps: list[dict] = []
    programs: list[str] = []
    errors: list[dict] = []
    used: set[str] = set()
    current = reward(prompt, scene).total
    best_seen, stale, stop = current, 0, "max_steps"
    last_error = last_report = last_program = None
    with tempfile.TemporaryDirectory(prefix="worldsmith-improve-") as work:
        policy = VLMPolicy(settings, root=Path(work))
        observer = RenderObserver(work, ("topdown", "perspective"), view_size)
        try:
            policy.reset(prompt, seed)
            requirements = policy.requirements()
            for step in range(max_steps):
                renders = observer.observe(scene, step) if scene.rooms else ()
                metrics = scene_metrics(scene) if scene.rooms else {}
                obs = Observation(prompt, seed, step, scene, last_error, last_report, metrics, tuple(renders),
                                  scene_fidelity(scene, requirements), last_program, max_steps)
                tries = []
                for _ in range(k):
                    act = policy.act(obs)
                    if act is None:
                        break
                    messages = policy.sent[-1]
                    if act.error is not None:
                        tries.append((-1.0, act, messages, None, act.error))
                        continue
                    if not act.program.strip():
                        tries.append((current, act, messages, None, None))
                        continue
                    try:
                        result = execute(act.program, scene, seed=seed, used_ids=used)
                    except DSLError as exc:
                        tries.append((-1.0, act, messages, None, exc.to_dict()))
                        continue
                    tries.append((reward(prompt, result.scene).total, act, messages, result, None))
                if not tries:
                    stop = "policy_done"
                    break
                best = max(range(len(tries)), key=lambda i: (tries[i][0], -i))
                value, act, messages, result, error = tries[best]
                program = act.program if act.program.strip() else "done()"
                if error is None and result is not None and value < current:
                    error = {"code": "E_ROLLED_BACK", "line": None, "hint": "",
                             "message": f"rolled back: the best of {len(tries)} replies lowered the reward "
                                        f"({current:.3f} -> {value:.3f})"}
                if error is None and result is not None:
                    scene, current = result.scene, value
                    used |= {a.id for a in result.actions if isinstance(a, AddObject)}
                    programs.append(act.program)
                    last_report = result.report.to_dict()
                else:
                    last_report = None
                if error is not None:
                    errors.append({"block": step, **error})
                last_error, last_program = error, act.program
                steps.append({"messages": messages, "program": program, "error": error,
                              "alternatives": [round(t[0], 6) for t in tries]})
                if current > best_seen + 1e-9:
                    best_seen, stale = current, 0
                else:
                    stale += 1
                if act.final and error is None:
                    stop = "done"
                    break
                if stale >= patience:
                    stop = "patience"
                    break
        finally:
            policy.close()
    result = reward(prompt, scene)
    cand = {"seed": seed, "program": "\n".join(programs), "blocks": len(steps), "applied": len(programs),
            "errors": errors[:20], "reward": result.total, "breakdown": dict(result.breakdown),
            "objects": len(scene.objects), "stop_reason": stop}
    return cand, scene, steps
