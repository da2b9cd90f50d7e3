"""Architecture rules: the scene layer stands alone; `import worldsmith` stays light; imports point one way."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "worldsmith"

# ARCHITECTURE.md section 1: which sibling layers each layer may import.
ALLOWED = {
    "scene": set(),
    "assets": {"scene"},
    "materials": {"scene"},
    "layout": {"scene", "assets", "materials"},
    "dsl": {"scene", "assets", "materials", "layout"},
    "render": {"scene", "assets", "materials"},
    "export": {"scene", "assets", "materials"},
    "metrics": {"scene", "assets", "materials", "layout", "export"},  # stability runs the MJCF model
    "policy": {"scene", "assets", "materials", "layout", "dsl", "render", "metrics"},
    "pipeline": {"scene", "assets", "materials", "layout", "dsl", "render", "export", "metrics", "policy"},
    "improve": {"scene", "assets", "materials", "layout", "dsl", "render", "export", "metrics", "policy", "pipeline"},
    "datagen": {"scene", "assets", "materials", "layout", "dsl", "render", "export", "metrics", "policy", "pipeline"},
    "cli": {"scene", "assets", "materials", "layout", "dsl", "render", "export", "metrics", "policy", "pipeline",
            "improve", "datagen", "web"},
}

HEAVY = ["moderngl", "mitsuba", "bpy", "pxr", "mujoco", "torch", "transformers", "ray", "fastapi", "trimesh",
         "fcl", "PIL", "typer", "rich", "shapely", "scipy"]


def _imported_layers(path: Path, layer: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    depth = len(path.relative_to(SRC).parts) - 1  # folders below worldsmith/
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module and node.module.startswith("worldsmith."):
                found.add(node.module.split(".")[1])
            elif node.level > 0:
                if node.level > depth:  # reaches the package root: from ..X import
                    if node.module:
                        found.add(node.module.split(".")[0])
                    else:
                        found.update(a.name for a in node.names)
                else:
                    found.add(layer)
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("worldsmith."):
                    found.add(a.name.split(".")[1])
    layers = set(ALLOWED) | {"improve", "datagen", "web"}
    return (found & layers) - {layer}


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_point_one_way(layer):
    folder = SRC / layer
    if not folder.exists():
        pytest.skip(f"{layer} not built yet")
    bad = {}
    for path in folder.rglob("*.py"):
        extra = _imported_layers(path, layer) - ALLOWED[layer]
        if extra:
            bad[str(path.relative_to(SRC))] = sorted(extra)
    assert not bad, f"forbidden imports: {bad}"


def test_scene_imports_only_stdlib_numpy_shapely():
    allowed_third_party = {"numpy", "shapely"}
    for path in (SRC / "scene").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module.split(".")[0]]
            for name in names:
                assert name in allowed_third_party or name in sys.stdlib_module_names, (path.name, name)


def test_import_worldsmith_is_light():
    code = ("import sys, worldsmith, worldsmith.scene; "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"heavy modules imported by `import worldsmith`: {result.stdout}"
