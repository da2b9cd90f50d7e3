"""The report of an improve run: ``report.json``, ``report.md`` and ``reward_per_round.png``.

Per round ``r``: the mean reward of all candidates and of the kept samples on the training
prompts (the K samples; not their hindsight edits), the number kept and how many of those are
edits (:func:`worldsmith.improve.rollout.early_stop`), the held-out mean reward of the policy trained in that round (with its
per-component means, the share of executor-failed blocks and the standard error of the mean),
the training loss and the time spent, and the share of held-out episodes the policy ended itself
(``done()``, not the step or patience limit). ``baseline`` is the offline planner's mean single-sample
reward on the same held-out units. Means are over the stored units only; a round still running
shows what it has so far (``units``).
"""

from __future__ import annotations

import math
from pathlib import Path
from statistics import mean
from typing import Sequence

from .store import RunStore, round_name


def _mean(xs: Sequence[float]) -> float | None:
    return round(mean(xs), 4) if xs else None


def _sem(xs: Sequence[float]) -> float | None:
    if len(xs) < 2:
        return None
    m = mean(xs)
    return round(math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1) / len(xs)), 4)


def _components(recs: list[dict]) -> dict:
    names = sorted({k for r in recs for k in r.get("breakdown", {})})
    return {n: _mean([r["breakdown"][n] for r in recs if n in r.get("breakdown", {})]) for n in names}


def summarize(store: RunStore, rounds: int) -> dict:
    base = list(store.records("baseline.jsonl").values())
    out = {"baseline": {"policy": "offline planner (temperature 1.0, one sample)", "units": len(base),
                        "mean_reward": _mean([b["reward"] for b in base]), "sem": _sem([b["reward"] for b in base]),
                        "components": _components(base)},
           "rounds": []}
    for r in range(1, rounds + 1):
        rn = round_name(r)
        roll = list(store.records(f"rounds/{rn}/rollouts.jsonl").values())
        if not roll:
            break
        cands = [c["reward"] for u in roll for c in u["candidates"] if c.get("edit_of") is None]
        samples = [(u, s) for u in roll for s in ([u["kept"]] if u.get("kept") else []) + list(u.get("more") or ())]
        kept = [s["reward"] for _, s in samples]
        edits = sum(1 for u, s in samples if u["candidates"][s["candidate"]].get("edit_of") is not None)
        ev = list(store.records(f"rounds/{rn}/eval.jsonl").values())
        train = store.read_json(f"rounds/{rn}/train.json") or {}
        blocks = sum(e.get("blocks", 0) for e in ev)
        out["rounds"].append({
            "round": r, "collected_with": "offline planner" if r == 1 else f"local policy of round {r - 1}",
            "prompts": len(roll), "candidates_mean_reward": _mean(cands),
            "kept": len(kept), "kept_edits": edits, "kept_mean_reward": _mean(kept),
            "heldout_units": len(ev), "heldout_mean_reward": _mean([e["reward"] for e in ev]),
            "heldout_sem": _sem([e["reward"] for e in ev]), "heldout_components": _components(ev),
            "heldout_failed_block_share": round(sum(e.get("errors", 0) for e in ev) / blocks, 4) if blocks else None,
            "heldout_stopped_share": round(sum(e.get("stop") == "stop" for e in ev) / len(ev), 4) if ev else None,
            "train_examples": train.get("examples"), "train_loss": (train.get("losses") or [None])[-1],
            "train_seconds": train.get("seconds")})
    return out


def _plot(summary: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in summary["rounds"] if r["heldout_mean_reward"] is not None]
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    if rows:
        ax.errorbar([r["round"] for r in rows], [r["heldout_mean_reward"] for r in rows],
                    yerr=[r["heldout_sem"] or 0 for r in rows], marker="o", capsize=3, label="local policy, held-out")
    kept = [r for r in summary["rounds"] if r["kept_mean_reward"] is not None]
    if kept:
        ax.plot([r["round"] for r in kept], [r["kept_mean_reward"] for r in kept], "s--", alpha=0.6,
                label="kept best-of-K, training prompts")
    b = summary["baseline"]["mean_reward"]
    if b is not None:
        ax.axhline(b, color="gray", linestyle=":", label="offline planner, held-out (1 sample)")
    ax.set_xlabel("round")
    ax.set_ylabel("mean reward")
    ax.set_xticks([r["round"] for r in summary["rounds"]] or [1])
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    tmp = path.with_suffix(".tmp.png")
    fig.savefig(tmp)
    plt.close(fig)
    tmp.replace(path)


def _f(v) -> str:
    return "-" if v is None else (f"{v:.4f}" if isinstance(v, float) else str(v))


def write_report(store: RunStore, settings, train: list, held: list) -> dict:
    """Write ``report.json``, ``report.md`` and the plot; return the summary."""
    summary = summarize(store, settings.rounds)
    summary["settings"] = {k: v for k, v in settings.identity().items()}
    summary["train_prompts"] = len(train)
    summary["heldout_prompts"] = len(held)
    store.write_json("report.json", summary)
    if settings.policy == "local":
        _plot(summary, store.path("reward_per_round.png"))
    b = summary["baseline"]
    lines = ["# worldsmith improve report", "",
             f"Policy: `{settings.policy}`; reward: `{settings.reward}`; {len(train)} training prompts, "
             f"{len(held)} held-out prompts x {settings.eval_samples} samples; K = {settings.candidates} candidates; "
             f"{settings.rounds} rounds{' (--tiny)' if settings.tiny else ''}.", ""]
    if settings.policy == "local":
        lines += ["![reward per round](reward_per_round.png)", "",
                  f"Baseline: the offline planner's mean single-sample reward on the held-out units: "
                  f"**{_f(b['mean_reward'])}** (± {_f(b['sem'])}, {b['units']} units).", ""]
    lines += ["| round | collected with | candidates mean | kept (edits) | kept mean | held-out mean | ± sem | "
              "failed blocks | stopped itself | train loss | train s |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in summary["rounds"]:
        lines.append(f"| {r['round']} | {r['collected_with']} | {_f(r['candidates_mean_reward'])} | {r['kept']} "
                     f"({r['kept_edits']}) | {_f(r['kept_mean_reward'])} | {_f(r['heldout_mean_reward'])} | "
                     f"{_f(r['heldout_sem'])} | {_f(r['heldout_failed_block_share'])} | "
                     f"{_f(r['heldout_stopped_share'])} | {_f(r['train_loss'])} | {_f(r['train_seconds'])} |")
    if summary["rounds"] and settings.policy == "local":
        comp = sorted(b["components"])
        lines += ["", "Held-out reward components (means):", "",
                  "| | " + " | ".join(comp) + " |", "|---|" + "---|" * len(comp),
                  "| offline planner | " + " | ".join(_f(b["components"].get(c)) for c in comp) + " |"]
        for r in summary["rounds"]:
            lines.append(f"| round {r['round']} | " + " | ".join(_f(r["heldout_components"].get(c)) for c in comp)
                         + " |")
    lines += ["", "What the reward cannot see: see docs/rewards.md (reward hacking is this method's known failure).",
              ""]
    tmp = store.path("report.md.tmp")
    tmp.write_text("\n".join(lines))
    tmp.replace(store.path("report.md"))
    return summary
