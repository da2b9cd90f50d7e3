"""Self-improvement: rewards, best-of-K rollouts, the trajectory store, fine-tuning data and trainers.

See ``docs/improve.md``. Heavy dependencies (torch, transformers, peft) load inside the functions
that need them.
"""
