"""Layout: constraint vocabulary (data) and the placement of objects in rooms.

In this version the constraints the DSL accepts are resolved directly (absolute pose, against a
wall); relation constraints and the solver slot in here as further ``Constraint`` types.
"""

from .constraints import Against, At, Constraint, Height, Yaw
from .resolve import default_pose, resolve_place, support_problem

__all__ = ["Against", "At", "Constraint", "Height", "Yaw", "default_pose", "resolve_place", "support_problem"]
