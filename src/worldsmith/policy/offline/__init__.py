"""The offline planner: prompt understanding, room design from knowledge files, DSL planning."""
