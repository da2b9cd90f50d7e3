"""``worldsmith improve``: sample K candidates, keep the best, fine-tune, evaluate; round after round.

For round ``r = 1 .. R`` (files: :mod:`worldsmith.improve.store`):

1. **Collect.** For each training prompt, roll out ``K`` candidates (whole episodes; with
   ``unit="step"`` and the VLM policy, ``K`` replies at every step of one episode) with the policy of round
   ``r - 1`` -- the offline planner sampled at ``planner_temperature`` for round 1 ("round 0"),
   then the local model of the previous round sampled at ``temperature`` -- and score each with
   the reward (:mod:`worldsmith.improve.rewards`). The best candidate (highest reward; the lowest
   ``k`` on a tie) is kept, unless ``margin`` is set and it does not beat the best sample kept for
   that prompt in an earlier round by at least ``margin``. One line per prompt in
   ``rollouts.jsonl`` holds every candidate (program, reward, breakdown, executor errors) and the
   kept sample (the (observation, program) pair as chat messages, its render).
2. **Export** the kept samples of rounds ``1..r`` as fine-tuning data (:mod:`.export`):
   ``export/rNNN/openai.jsonl`` and ``export/rNNN/hf/``.
3. **Train** (``trainer``): ``local`` trains the local model (:mod:`.local.model`) on the kept
   samples of rounds ``1..r`` -- from scratch in round 1 (``epochs_first``), continuing from the
   previous checkpoint after (``epochs_more``); ``hf`` LoRA-fine-tunes ``base_model`` on the HF
   dataset (:mod:`.lora`); ``openai-export`` stops after writing the hosted fine-tuning file.
4. **Evaluate** (local policy) on the held-out prompts, never trained on: ``eval_samples``
   samples per prompt at ``eval_temperature``; the mean reward is the round's figure. Before
   round 1, the offline planner's single-sample reward (at temperature 1, its default, same
   seeds) on the same units is the baseline.

Seeds: every candidate's scene seed and every sampling generator derive from ``seed``, the round
and the prompt id (:func:`worldsmith.scene.rng.derive_seed`), so a run is reproducible and a
resumed run continues with exactly the units it would have run. Local sampling is batched over a
fixed chunk of prompts (``SAMPLE_CHUNK`` candidates) so a unit's sample does not depend on which
other units are still to do.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from ..scene import Scene, WorldsmithError
from ..pipeline.executors import make_executor
from .prompts import PromptItem, prompt_sets
from .rollout import evaluate
from .store import RunStore, round_name

log = logging.getLogger(__name__)

POLICIES = ("local", "vlm")
TRAINERS = ("local", "hf", "openai-export")
#: candidates sampled together in one batch by the local model
SAMPLE_CHUNK = 32


def local_observation(prompt: str) -> str:
    """The local policy's text observation of ``prompt``: what the offline parser
    (:func:`worldsmith.policy.offline.parse.parse_prompt`, the same call whose ``requirements``
    the ``fidelity`` reward checks) read from it, one line each, in DSL words:

    * ``room '<room type>' <size>`` (``room 'bedroom' small``; size small / medium / large);
    * then one line per requirement, in the parser's order:
      ``add '<category>' <count>`` (object), ``material '<surface>' '<words>'``,
      ``light '<mood>'``, ``style '<style>'``, ``color '<category>' '<colour>'`` and
      ``relation '<subject>' <relation> '<object>'``.

    The same text is the observation of every training example, of every rollout sample and of
    every held-out evaluation sample (:meth:`Improver._sample_programs`, :meth:`Improver._train_local`).
    The tokenizer writes a string's words that the prompt contains as pointers, as it does in
    programs (:meth:`~.local.tokenizer.DSLTokenizer.encode_context`), so the category the model
    must write in ``add('bed')`` is the very token sequence it sees in ``add 'bed' 1``.
    This is the policy's *input*: the reward still scores the scene the program builds. It also
    means the policy is told exactly which objects, counts, materials, moods, styles, colours and
    relations the fidelity reward will look for (docs/improve.md says so)."""
    return _observation(prompt)


@functools.lru_cache(maxsize=4096)
def _observation(prompt: str) -> str:
    from ..policy.offline.parse import parse_prompt

    spec = parse_prompt(prompt)

    def q(value: Any) -> str:
        text = " ".join(str(v) for v in value) if isinstance(value, (list, tuple)) else str(value)
        return "'" + text.replace("'", " ").replace('"', " ").replace("\n", " ") + "'"

    lines = [f"room {q(spec.room_type)} {spec.size}"]
    for r in spec.requirements:
        if r.kind == "object":
            lines.append(f"add {q(r.key)} {int(r.value or 1)}")
        elif r.kind == "material":
            lines.append(f"material {q(r.key)} {q(r.value)}")
        elif r.kind == "lighting":
            lines.append(f"light {q(r.key)}")
        elif r.kind == "style":
            lines.append(f"style {q(r.key)}")
        elif r.kind == "color":
            lines.append(f"color {q(r.key)} {q(r.value)}")
        elif r.kind == "relation" and isinstance(r.value, dict):
            lines.append(f"relation {q(r.value.get('subject', r.key))} {r.value.get('relation', '')} "
                         f"{q(r.value.get('object', ''))}")
    return "\n".join(lines)


class ImproveError(WorldsmithError):
    """Bad settings for an improve run."""


@dataclass(frozen=True)
class ImproveSettings:
    """Everything a run is configured with (the CLI flags). Only :meth:`identity` must match to resume."""

    out: str
    prompts: str | None = None
    heldout: str | None = None
    rounds: int = 3
    candidates: int = 4
    policy: str = "local"
    trainer: str = "local"
    reward: str = "fidelity+plausibility+text_alignment"
    clip_model: str | None = None
    margin: float | None = None
    temperature: float = 0.7
    planner_temperature: float = 1.5
    eval_temperature: float = 0.5
    eval_samples: int = 2
    tiny: bool = False
    seed: int = 0
    jobs: int = 2
    renders: bool = True
    base_model: str | None = None
    lora_steps: int = 100
    lora_max_length: int = 8192
    #: --policy vlm: the OpenAI-compatible endpoint and the episode limits
    base_url: str | None = None
    model: str | None = None
    max_steps: int = 8
    patience: int = 3
    #: best-of-K over whole episodes, or over the replies at each step (--policy vlm)
    unit: str = "episode"

    def check(self) -> None:
        if self.policy not in POLICIES:
            raise ImproveError(f"unknown --policy {self.policy!r}; choose from: {', '.join(POLICIES)}")
        if self.trainer not in TRAINERS:
            raise ImproveError(f"unknown --trainer {self.trainer!r}; choose from: {', '.join(TRAINERS)}")
        if self.policy == "local" and self.trainer != "local":
            raise ImproveError("--policy local trains with --trainer local")
        if self.policy == "vlm" and self.trainer == "local":
            raise ImproveError("--policy vlm needs --trainer hf (with --base-model) or --trainer openai-export")
        if self.unit not in ("episode", "step"):
            raise ImproveError(f"unknown --unit {self.unit!r}; choose from: episode, step")
        if self.unit == "step" and self.policy != "vlm":
            raise ImproveError("--unit step needs --policy vlm (the local policy writes a whole room in one program)")
        if self.policy == "vlm" and not (self.base_url and self.model):
            raise ImproveError("--policy vlm needs --base-url and --model (an OpenAI-compatible endpoint)")
        if self.trainer == "hf" and not self.base_model:
            raise ImproveError("--trainer hf needs --base-model DIR (a local Hugging Face VLM checkpoint)")
        for name, lo, hi in (("rounds", 1, 100), ("candidates", 1, 64), ("eval_samples", 1, 16), ("jobs", 1, 64),
                             ("lora_steps", 1, 1_000_000), ("lora_max_length", 64, 1_000_000), ("max_steps", 1, 200), ("patience", 1, 200)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
                raise ImproveError(f"--{name.replace('_', '-')} must be a whole number from {lo} to {hi}, got {v!r}")
        for name in ("temperature", "planner_temperature", "eval_temperature"):
            v = getattr(self, name)
            if not 0.0 <= v <= 3.0:
                raise ImproveError(f"--{name.replace('_', '-')} must be between 0 and 3, got {v!r}")
        if self.margin is not None and not 0.0 <= self.margin <= 1.0:
            raise ImproveError(f"--margin must be between 0 and 1, got {self.margin!r}")

    def identity(self) -> dict:
        """The settings that decide the results (stored in ``run.json``; a resume must match)."""
        d = dataclasses.asdict(self)
        for k in ("out", "jobs"):
            d.pop(k)
        if self.policy != "vlm":
            for k in ("base_url", "model", "max_steps", "patience", "unit"):
                d.pop(k)
        if self.trainer != "hf":
            d.pop("lora_max_length")
        d["model"] = self.model_config().to_dict() if self.policy == "local" else None
        return d

    def model_config(self):
        from .local.model import DEFAULT, TINY

        return TINY if self.tiny else DEFAULT


def derive_seed(*parts: Any) -> int:
    """A 31-bit seed from ``parts`` (stable across runs and machines)."""
    h = hashlib.sha256("/".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(h[:4], "big") & 0x7FFFFFFF


def tiny_sets(train: list[PromptItem], held: list[PromptItem]) -> tuple[list[PromptItem], list[PromptItem]]:
    """The ``--tiny`` subsets: the first 6 training and the first 3 held-out prompts."""
    return train[:6], held[:3]


def local_messages(prompt: str) -> list[dict]:
    """The chat messages of a local-policy observation (the VLM policy's system prompt and its
    user message for an empty scene): what the exported data pairs with the program."""
    from ..policy.protocol import Observation
    from ..policy.vlm.prompting import observation_messages, system_prompt

    obs = Observation(prompt, 0, 0, Scene(prompt=prompt), None, None, {}, (), {}, None, 1)
    msgs = observation_messages(obs, system=system_prompt(2))
    out = []
    for m in msgs:
        content = m["content"]
        if isinstance(content, list):
            content = [p for p in content if p.get("type") == "text"]
        out.append({"role": m["role"], "content": content})
    return out


class Improver:
    """One run (see the module doc); :meth:`run` returns the report dict."""

    def __init__(self, settings: ImproveSettings, progress: Callable[[str, int, int], None] | None = None):
        settings.check()
        self.s = settings
        self.progress = progress or (lambda what, done, total: None)
        train, held = prompt_sets(settings.prompts, settings.heldout)
        if settings.tiny:
            train, held = tiny_sets(train, held)
        self.train, self.held = train, held
        from .rewards import parse_reward

        parse_reward(settings.reward, clip_model=settings.clip_model)  # fail fast on a bad spec
        self.store = RunStore(settings.out, {**settings.identity(), "train_ids": [p.id for p in train],
                                             "heldout_ids": [p.id for p in held]})
        self.executor = make_executor("local", settings.jobs)

    # -- helpers ------------------------------------------------------------------------------
    def _task(self, kind: str, prompt: str, seed: int, **kw) -> dict:
        return {"kind": kind, "prompt": prompt, "seed": seed, "reward": self.s.reward,
                "clip_model": self.s.clip_model, **kw}

    def _eval_units(self) -> list[tuple[str, PromptItem, int]]:
        return [(f"{p.id}/s{j}", p, derive_seed(self.s.seed, "eval", p.id, j))
                for p in self.held for j in range(self.s.eval_samples)]

    def _render(self, scene: Scene, name: str) -> str | None:
        if not self.s.renders or not scene.rooms:
            return None
        try:
            from PIL import Image

            from ..pipeline.observe import view_image

            rgb = view_image(scene, "topdown", (384, 384))
            path = self.store.path(f"renders/{name}.png")
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.png")
            Image.fromarray(rgb).save(tmp)
            tmp.replace(path)
            return f"renders/{name}.png"
        except Exception as exc:  # noqa: BLE001 - a store without pictures is still a store
            log.warning("kept-scene render failed (%s); storing without a picture", exc)
            self.s = dataclasses.replace(self.s, renders=False)
            return None

    def _run_units(self, what: str, units: list[tuple[str, list[dict]]], finish: Callable[[str, list[dict]], None]):
        """Evaluate each unit's tasks in the executor; ``finish(unit, results)`` once all of a
        unit's tasks are back (results in task order)."""
        flat = [(u, i, t) for u, tasks in units for i, t in enumerate(tasks)]
        pending = {u: [None] * len(tasks) for u, tasks in units}
        left = {u: len(tasks) for u, tasks in units}
        total, done = len(units), 0
        self.progress(what, 0, total)
        for idx, result in self.executor.imap(evaluate, [t for _, _, t in flat]):
            u, i, _ = flat[idx]
            pending[u][i] = result
            left[u] -= 1
            if left[u] == 0:
                finish(u, pending.pop(u))
                done += 1
                self.progress(what, done, total)

    # -- phases -------------------------------------------------------------------------------
    def baseline(self) -> None:
        name = "baseline.jsonl"
        have = self.store.records(name)
        units = [(u, [self._task("planner", p.prompt, seed, temperature=1.0)])
                 for u, p, seed in self._eval_units() if u not in have]
        prompts = {u: p for u, p, _ in self._eval_units()}

        def finish(u: str, results: list[dict]) -> None:
            r = results[0]
            self.store.append(name, {"unit": u, "prompt_id": prompts[u].id, "reward": r["reward"],
                                     "breakdown": r["breakdown"], "errors": len(r["errors"]), "seed": r["seed"]})

        if units:
            self._run_units("baseline (offline planner, held-out)", units, finish)

    def _best_before(self, r: int) -> dict[str, float]:
        best: dict[str, float] = {}
        for s in self.store.kept(range(1, r)):
            best[s["prompt_id"]] = max(best.get(s["prompt_id"], float("-inf")), s["reward"])
        return best

    def collect(self, r: int) -> None:
        rn = round_name(r)
        name = f"rounds/{rn}/rollouts.jsonl"
        have = self.store.records(name)
        todo = [p for p in self.train if p.id not in have]
        if not todo:
            return
        K = self.s.candidates
        seeds = {p.id: [derive_seed(self.s.seed, rn, p.id, k) for k in range(K)] for p in self.train}
        if self.s.policy == "vlm":
            return self._collect_vlm(r, todo)
        if r == 1:
            units = [(p.id, [self._task("planner", p.prompt, seeds[p.id][k], temperature=self.s.planner_temperature,
                                        scene=True) for k in range(K)]) for p in todo]
            policy = "offline"
        else:
            programs = self._sample_programs(r - 1, self.train, K, self.s.temperature, f"{rn}/collect",
                                             only={p.id for p in todo})
            units = [(p.id, [self._task("program", p.prompt, seeds[p.id][k], program=programs[p.id][k], scene=True)
                             for k in range(K)]) for p in todo]
            policy = "local"
        prompts = {p.id: p for p in todo}
        before = self._best_before(r)

        def finish(pid: str, results: list[dict]) -> None:
            self._store_unit(r, prompts[pid], results, before, policy,
                             scene_of=lambda best: _scene_of(results[best]["scene_json"]),
                             steps_of=lambda best, sid: [{"messages": local_messages(prompts[pid].prompt),
                                                          "observation": local_observation(prompts[pid].prompt),
                                                          "program": results[best]["program"], "error": None}])

        self._run_units(f"round {r}: {K} candidates x {len(todo)} prompts ({policy})", units, finish)

    def _store_unit(self, r: int, p: PromptItem, cands: list[dict], before: dict[str, float], policy: str, *,
                    scene_of: Callable[[int], Scene], steps_of: Callable[[int, str], list[dict]]) -> None:
        """Store a training prompt's unit of round ``r``: every candidate, and the best one (the
        highest reward, the first on a tie) as the kept sample -- unless its program is empty or
        ``margin`` is set and it does not beat ``before[p.id]`` (the prompt's best earlier kept
        reward) by at least that (to 1e-9: rewards are rounded to 6 decimals). ``scene_of(best)`` and ``steps_of(best, sample_id)`` give the kept scene
        (rendered into the store) and its steps."""
        best = max(range(len(cands)), key=lambda k: (cands[k]["reward"], -k))
        win = cands[best]
        keep = bool(win["program"].strip()) and (self.s.margin is None or p.id not in before
                                                 or win["reward"] >= before[p.id] + self.s.margin - 1e-9)
        kept = None
        if keep:
            sid = f"{round_name(r)}-{p.id}"
            kept = {"id": sid, "round": r, "prompt_id": p.id, "prompt": p.prompt, "seed": win["seed"],
                    "candidate": best, "policy": policy, "reward": win["reward"], "breakdown": win["breakdown"],
                    "render": self._render(scene_of(best), sid), "steps": steps_of(best, sid)}
        self.store.append(f"rounds/{round_name(r)}/rollouts.jsonl", {
            "unit": p.id, "prompt": p.prompt, "best": best, "kept": kept, "previous_best": before.get(p.id),
            "candidates": [{k: v for k, v in c.items() if k not in ("scene_json", "details")} for c in cands]})

    def _vlm_settings(self):
        from ..policy.vlm.client import ClientConfig
        from ..policy.vlm.policy import VLMSettings

        client = ClientConfig(base_url=self.s.base_url, model=self.s.model, temperature=self.s.temperature)
        return VLMSettings(client, asset_policy="off")

    def _write_png(self, name: str, data: bytes) -> str:
        from ..scene.files import atomic_write_bytes

        rel = f"renders/{name}.png"
        path = self.store.path(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, data)
        return rel

    def _collect_vlm(self, r: int, todo: list[PromptItem]) -> None:
        """Round ``r`` with the VLM policy: K episodes per prompt through the endpoint (in this
        process, one after the other; the endpoint is the bottleneck), the best kept with every
        step's messages (:mod:`.vlm_rollout`)."""
        from .rewards import parse_reward
        from .vlm_rollout import store_steps, vlm_candidate, vlm_step_candidate

        rn = round_name(r)
        K = self.s.candidates
        reward = parse_reward(self.s.reward, clip_model=self.s.clip_model)
        vlm = self._vlm_settings()
        before = self._best_before(r)
        what = f"round {r}: {K} candidates x {len(todo)} prompts (vlm, per {self.s.unit})"
        self.progress(what, 0, len(todo))
        for n, p in enumerate(todo, 1):
            if self.s.unit == "step":
                results = [vlm_step_candidate(vlm, p.prompt, derive_seed(self.s.seed, rn, p.id, 0), reward, K,
                                              max_steps=self.s.max_steps, patience=self.s.patience)]
            else:
                results = [vlm_candidate(vlm, p.prompt, derive_seed(self.s.seed, rn, p.id, k), reward,
                                         max_steps=self.s.max_steps, patience=self.s.patience) for k in range(K)]
            self._store_unit(r, p, [c for c, _, _ in results], before, "vlm",
                             scene_of=lambda best: results[best][1],
                             steps_of=lambda best, sid: store_steps(results[best][2], self._write_png, sid))
            self.progress(what, n, len(todo))

    def _sample_programs(self, ckpt_round: int, prompts: Sequence[PromptItem], k: int, temperature: float, tag: str,
                         only: set[str] | None = None) -> dict[str, list[str]]:
        """``k`` programs per prompt from the checkpoint of ``ckpt_round`` (fixed chunks, see the module doc)."""
        from .local.model import load, sample
        from .local.tokenizer import Grammar

        model, tok, _, _ = load(self.store.path(f"checkpoints/{round_name(ckpt_round)}"))
        grammar = Grammar(tok)
        per = max(1, SAMPLE_CHUNK // k)
        out: dict[str, list[str]] = {}
        chunks = [list(prompts[i:i + per]) for i in range(0, len(prompts), per)]
        for ci, chunk in enumerate(chunks):
            if only is not None and not any(p.id in only for p in chunk):
                continue
            self.progress(f"{tag}: sampling programs", ci, len(chunks))
            ctxs = [tok.encode_context(p.prompt, local_observation(p.prompt)) for p in chunk for _ in range(k)]
            ids = sample(model, ctxs, eos_id=tok.eos_id, pad_id=tok.pad_id, temperature=temperature, top_k=0,
                         seed=derive_seed(self.s.seed, tag, ci), batch_size=len(ctxs), grammar=grammar)
            for j, p in enumerate(chunk):
                out[p.id] = [tok.decode_program(ids[j * k + i], p.prompt) for i in range(k)]
        return out

    def export(self, r: int) -> None:
        rn = round_name(r)
        if self.store.path(f"export/{rn}").exists():
            return
        from .export import export_hf, export_openai

        samples = self.store.kept(range(1, r + 1))
        tmp = self.store.staging(f"export/{rn}")
        tmp.mkdir()
        n = export_openai(samples, self.store.root, tmp / "openai.jsonl")
        export_hf(samples, self.store.root, tmp / "hf")
        self.store.commit(f"export/{rn}", tmp)
        log.info("exported %d examples for round %d", n, r)

    def train_round(self, r: int) -> dict:
        rn = round_name(r)
        done = self.store.read_json(f"rounds/{rn}/train.json")
        if done is not None:
            return done
        t0 = time.perf_counter()
        if self.s.trainer == "openai-export":
            result = {"trainer": "openai-export", "file": f"export/{rn}/openai.jsonl"}
        elif self.s.trainer == "hf":
            from .lora import LoraConfig, train_lora

            tmp = self.store.staging(f"checkpoints/{rn}")
            res = train_lora(self.store.path(f"export/{rn}/hf"), Path(self.s.base_model), tmp,
                             LoraConfig(steps=self.s.lora_steps, seed=self.s.seed, max_length=self.s.lora_max_length),
                             progress=lambda step, loss: self.progress(f"round {r}: LoRA", step, self.s.lora_steps))
            self.store.commit(f"checkpoints/{rn}", tmp)
            result = {"trainer": "hf", **{k: v for k, v in res.items() if k != "losses"},
                      "first_loss": res["losses"][0], "last_loss": res["losses"][-1]}
        else:
            result = self._train_local(r)
        result["seconds"] = round(time.perf_counter() - t0, 2)
        self.store.write_json(f"rounds/{rn}/train.json", result)
        return result

    def _train_local(self, r: int) -> dict:
        from .local import model as M
        from .local.tokenizer import DSLTokenizer

        cfg = self.s.model_config()
        samples = self.store.kept(range(1, r + 1))
        if r == 1:
            tok = DSLTokenizer()
            model = M.build_model(cfg, len(tok))
            epochs = cfg.epochs_first
        else:
            model, tok, _, _ = M.load(self.store.path(f"checkpoints/{round_name(r - 1)}"))
            epochs = cfg.epochs_more
        examples = []
        for s in samples:  # the observation is recomputed, so it is the one sampling uses
            for st in s["steps"]:
                examples.append((tok.encode_context(s["prompt"], local_observation(s["prompt"])),
                                 tok.encode_program(st["program"], s["prompt"])))
        cfg_r = dataclasses.replace(cfg, seed=derive_seed(self.s.seed, "train", r))
        losses = M.train(model, examples, cfg_r, epochs,
                         progress=lambda step, total, loss: self.progress(f"round {r}: training", step, total))
        tmp = self.store.staging(f"checkpoints/{round_name(r)}")
        M.save(model, tok, cfg, tmp, {"round": r, "examples": len(examples), "losses": losses})
        self.store.commit(f"checkpoints/{round_name(r)}", tmp)
        return {"trainer": "local", "examples": len(examples), "epochs": epochs, "losses": losses,
                "tokens": sum(len(c) + len(t) for c, t in examples)}

    def evaluate_round(self, r: int) -> None:
        name = f"rounds/{round_name(r)}/eval.jsonl"
        have = self.store.records(name)
        units = [(u, p, seed) for u, p, seed in self._eval_units() if u not in have]
        if not units:
            return
        programs = self._sample_programs(r, self.held, self.s.eval_samples, self.s.eval_temperature,
                                         f"{round_name(r)}/eval")
        by_unit = {u: (p, seed, programs[p.id][int(u.rsplit("/s", 1)[1])]) for u, p, seed in units}
        tasks = [(u, [self._task("program", p.prompt, seed, program=prog)]) for u, (p, seed, prog) in by_unit.items()]

        def finish(u: str, results: list[dict]) -> None:
            res = results[0]
            self.store.append(name, {"unit": u, "prompt_id": by_unit[u][0].id, "reward": res["reward"],
                                     "breakdown": res["breakdown"], "errors": len(res["errors"]),
                                     "blocks": res["blocks"], "applied": res["applied"], "program": res["program"]})

        self._run_units(f"round {r}: held-out evaluation", tasks, finish)

    # -- the run --------------------------------------------------------------------------------
    def run(self) -> dict:
        from .report import write_report

        try:
            if self.s.policy == "local":
                self.baseline()
            for r in range(1, self.s.rounds + 1):
                self.collect(r)
                self.export(r)
                result = self.train_round(r)
                if result["trainer"] == "openai-export":
                    break
                if self.s.policy == "local":
                    self.evaluate_round(r)
                write_report(self.store, self.s, self.train, self.held)
            return write_report(self.store, self.s, self.train, self.held)
        finally:
            self.executor.close()


def _scene_of(text: str) -> Scene:
    from ..scene import loads

    return loads(text)


def run_improve(settings: ImproveSettings, progress=None) -> dict:
    return Improver(settings, progress).run()
