"""Layout: constraint vocabulary (data) and the placement of objects in rooms.

Direct placement (absolute pose, against a wall) is exported here; the relation constraints live
in :mod:`.constraints`, the solvers in :mod:`.solver` (floor, dispatching to :mod:`.wall` and
:mod:`.ceiling`) and :mod:`.fill` (small objects on surfaces), imported where they are used.
"""

from .constraints import Against, At, Constraint, Height, Yaw
from .resolve import default_pose, resolve_place, support_problem

__all__ = ["Against", "At", "Constraint", "Height", "Yaw", "default_pose", "resolve_place", "support_problem"]
