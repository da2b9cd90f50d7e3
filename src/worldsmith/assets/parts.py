"""Mesh parts: what every asset builder returns."""

from __future__ import annotations

from dataclasses import dataclass

import trimesh


@dataclass(frozen=True)
class Part:
    """One named piece of an asset: a mesh in the asset's local frame (metres, Z up, origin at the
    bottom centre, front along +Y) and the material it is drawn with (a library name or a free
    description, resolved by ``worldsmith.materials``)."""

    name: str
    mesh: trimesh.Trimesh
    material: str
