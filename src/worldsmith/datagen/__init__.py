"""Synthetic annotated frames at scale (``worldsmith datagen``); see docs/datagen.md.

Pieces: :mod:`.spec` (the job and its scene tasks), :mod:`.randomize` (domain randomization),
:mod:`.viewpoints` (camera sampling), :mod:`.annotate` (COCO masks, 3D boxes, visibility),
:mod:`.writers` / :mod:`.shards` / :mod:`.manifest` (atomic frames, WebDataset tars, checksums),
:mod:`.worker` (one scene, start to finish), :mod:`.job` (resume and executors), :mod:`.finalize`
and :mod:`.card` (COCO file, manifest, dataset card), :mod:`.reader` (:func:`load`).

Importing this package imports no heavy module; :func:`load` reads a built dataset.
"""

from __future__ import annotations

from typing import Any


def load(path: Any, **kwargs: Any) -> Any:
    """A built dataset as numpy samples (see :func:`worldsmith.datagen.reader.load`)."""
    from .reader import load as _load

    return _load(path, **kwargs)


__all__ = ["load"]
