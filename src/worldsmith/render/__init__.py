"""Rendering: cameras, backends and the labelled top-down floor plan.

Kept light on purpose: nothing is imported here. Use the submodules, for example
``from worldsmith.render.plan import draw_plan``; heavy backends load their own packages lazily.
"""
