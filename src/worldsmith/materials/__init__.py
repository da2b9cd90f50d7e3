"""Materials: free-text descriptions and colour names -> PBR values.

:func:`resolve_pbr` turns a part's material description ("oak wood", "charcoal fabric", "clear
glass") plus an optional colour into a :class:`PBR`; :func:`color_rgb` resolves colour names and
``#rrggbb`` to linear RGB; :func:`kelvin_to_rgb` gives a light's colour temperature as linear RGB
(shared by exporters and renderers). All are deterministic and cached.
"""

from .basic import COLORS, PALETTE, PBR, color_rgb, kelvin_to_rgb, resolve_pbr, srgb_to_linear

__all__ = ["COLORS", "PALETTE", "PBR", "color_rgb", "kelvin_to_rgb", "resolve_pbr", "srgb_to_linear"]
