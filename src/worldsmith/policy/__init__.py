"""Policies: how scenes get built (offline planner, VLM policy, scripted policy)."""
