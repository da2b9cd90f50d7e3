"""Orchestration: from a program (later: a prompt) to a scene and its outputs on disk."""
