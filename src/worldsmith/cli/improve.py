"""``worldsmith improve``: the self-improvement loop (:mod:`worldsmith.improve.loop`).

Exit codes: 0 done, 2 bad input (one line, no traceback; nothing written for settings that fail
their checks). Rerunning with the same flags and ``--out`` resumes a killed run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from .errors import err, handles_errors

out = Console(highlight=False, soft_wrap=True)


@handles_errors
def improve_cmd(
    out_dir: Path = typer.Option(..., "--out", "-o", help="Run folder (created; rerun with the same flags to resume)."),
    prompts: Optional[Path] = typer.Option(None, "--prompts", help="Training prompts (JSONL {id, prompt} or text "
                                           "lines); default: the built-in 50-prompt suite."),
    heldout: Optional[Path] = typer.Option(None, "--heldout", help="Held-out prompts, never trained on; default: the "
                                           "built-in 16 (or every 5th of --prompts)."),
    rounds: int = typer.Option(3, "--rounds", help="Rounds of collect, keep best, train, evaluate."),
    candidates: int = typer.Option(4, "--candidates", "-k", help="Candidates sampled per prompt and round (K)."),
    policy: str = typer.Option("local", "--policy", help="local (a small transformer trained here on CPU) or vlm."),
    trainer: Optional[str] = typer.Option(None, "--trainer", help="local (with --policy local), hf (LoRA on "
                                          "--base-model) or openai-export (write the hosted fine-tuning file, stop)."),
    base_model: Optional[Path] = typer.Option(None, "--base-model", help="Local Hugging Face VLM checkpoint for "
                                              "--trainer hf (Qwen2-VL class)."),
    lora_steps: int = typer.Option(100, "--lora-steps", help="LoRA optimiser steps per round (--trainer hf)."),
    lora_max_length: int = typer.Option(8192, "--lora-max-length", help="Tokens per LoRA example; longer ones are "
                                        "skipped (a VLM step: system prompt ~5.4k Qwen tokens + ~0.4k per render)."),
    base_url: Optional[str] = typer.Option(None, "--base-url", envvar="WORLDSMITH_BASE_URL",
                                           help="--policy vlm: OpenAI-compatible endpoint (key from "
                                                "WORLDSMITH_API_KEY or OPENAI_API_KEY)."),
    model: Optional[str] = typer.Option(None, "--model", envvar="WORLDSMITH_MODEL", help="--policy vlm: model name."),
    max_steps: int = typer.Option(8, "--max-steps", help="--policy vlm: steps per episode."),
    unit: str = typer.Option("episode", "--unit", help="Best-of-K over whole episodes, or over the K replies at each "
                             "step (step: --policy vlm)."),
    patience: int = typer.Option(3, "--patience", help="--policy vlm: stop after this many steps without a better "
                                 "reward."),
    reward: str = typer.Option("fidelity+plausibility+text_alignment", "--reward",
                               help="Reward terms joined by '+', optionally weighted 'w*name': fidelity, "
                                    "plausibility, clip, text_alignment."),
    clip_model: Optional[Path] = typer.Option(None, "--clip-model", help="Local CLIP checkpoint for the clip reward."),
    margin: float = typer.Option(0.0, "--margin", help="Keep a round's best only if it beats the prompt's earlier "
                                 "kept sample by this much (0: never keep a worse one; -1: always keep the best)."),
    keep: int = typer.Option(2, "--keep", help="Samples kept per prompt and round: the best, then the best of each "
                             "other sampled episode (each only if it passes --margin)."),
    early_stop: bool = typer.Option(True, "--early-stop/--no-early-stop", help="--policy local: keep samples without "
                                    "their no-op blocks, and also score each one stopped as soon as it meets the "
                                    "prompt, and that without its extra objects."),
    deferred: bool = typer.Option(True, "--deferred/--no-deferred", help="--policy local: also train on each kept "
                                  "sample with one requested object's block moved to its end (the step that adds "
                                  "what is still missing late in an episode)."),
    temperature: float = typer.Option(0.7, "--temperature", help="Sampling temperature of the local policy's rollouts."),
    planner_temperature: float = typer.Option(1.5, "--planner-temperature",
                                              help="Offline planner temperature for round-0 data."),
    eval_temperature: float = typer.Option(0.5, "--eval-temperature", help="Sampling temperature on held-out prompts."),
    eval_samples: int = typer.Option(2, "--eval-samples", help="Samples per held-out prompt."),
    tiny: bool = typer.Option(False, "--tiny", help="A tiny model on 6 training and 3 held-out prompts (CI)."),
    seed: int = typer.Option(0, "--seed", help="Seed of every sample, scene and training run."),
    train_seed: Optional[int] = typer.Option(None, "--train-seed",
                                             help="Seed of the training alone (default: from --seed); samples and "
                                                  "evaluation keep --seed, so another --train-seed measures "
                                                  "the training noise."),
    jobs: int = typer.Option(2, "--jobs", "-j", help="Worker processes for rollouts."),
    renders: bool = typer.Option(True, "--renders/--no-renders", help="Render each kept scene into the store."),
) -> None:
    """Self-improvement: roll out K candidates per prompt, keep the best, fine-tune the policy on
    them, evaluate on held-out prompts; round after round. Writes OUT/report.md."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..improve.loop import ImproveSettings, run_improve

    settings = ImproveSettings(
        out=str(out_dir), prompts=str(prompts) if prompts else None, heldout=str(heldout) if heldout else None,
        rounds=rounds, candidates=candidates, policy=policy,
        trainer=trainer or ("local" if policy == "local" else "openai-export"), reward=reward,
        clip_model=str(clip_model) if clip_model else None, margin=margin, keep=keep, temperature=temperature,
        planner_temperature=planner_temperature, eval_temperature=eval_temperature, eval_samples=eval_samples,
        tiny=tiny, seed=seed, jobs=jobs, renders=renders, base_model=str(base_model) if base_model else None,
        lora_steps=lora_steps, lora_max_length=lora_max_length, base_url=base_url, model=model, max_steps=max_steps, patience=patience, unit=unit,
        early_stop=early_stop, deferred=deferred, train_seed=train_seed)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=False) as bar:
        tasks: dict[str, int] = {}

        def progress(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(what, total=total)
            bar.update(tasks[what], completed=done, total=total)

        summary = run_improve(settings, progress)
    b = summary["baseline"]["mean_reward"]
    for r in summary["rounds"]:
        held = r["heldout_mean_reward"]
        out.print(f"round {r['round']}: kept {r['kept']} (mean {r['kept_mean_reward']}), held-out mean reward "
                  f"{held if held is not None else '-'}" + (f" (offline planner {b})" if b is not None else ""))
    out.print(f"wrote {out_dir / 'report.md'}")
