"""VLM rollouts for ``worldsmith improve --policy vlm``: one candidate is one episode of the VLM loop.

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
    errors = [{"block": r["step"], **r["error"]} for r in episode.trajectory if r.get("error")]
    cand = {"seed": seed, "program": program, "blocks": len(episode.trajectory), "applied": len(episode.programs),
            "errors": errors[:20], "reward": result.total, "breakdown": dict(result.breakdown),
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
        out.append({"messages": messages, "observation": text, "program": step["program"], "error": step["error"]})
    return out
