"""Navigability of a scene: free floor, isolated pockets, reachable doors and access fronts.

``navigability_report(scene) -> {room_id: {...}}``, per room (definitions:
:mod:`worldsmith.layout.freespace`, shared with the layout solver so both judge a room the same way):

* ``free_area_m2``: the area of the robot space (where the centre of a round robot of radius
  0.2 m fits: inside the room, at least 0.2 m from every non-flat floor object's footprint and
  from the walls), on a 5 cm grid;
* ``largest_area_m2``: its largest connected part (through cell edges); ``ratio`` the share of the
  free area it holds (1.0 for a room with no free area); ``navigable``: ``ratio >= 0.95``;
* ``unreachable_doors``: doors whose inside clearance zone holds no cell of the main walkable
  component (the robot space for a 0.6 m wide path, i.e. radius 0.3 m; its largest component);
* ``unreachable_fronts``: objects that need access (catalog ``needs_access``) whose access region
  (the rectangle in front of them, ``front_clearance_m + 0.3`` m deep, 0.3 m wider on each side,
  deeper by the depth of a chair placed at it) holds no such cell.
"""

from __future__ import annotations

from ..layout.freespace import NAVIGABLE_RATIO, ROBOT_RADIUS_M, navigability, space_report
from ..scene import Scene

__all__ = ["NAVIGABLE_RATIO", "navigability", "navigability_report"]


def navigability_report(scene: Scene, robot_radius: float = ROBOT_RADIUS_M) -> dict[str, dict]:
    """Per room: free and largest connected robot-space areas, their ratio, whether it is
    navigable, and the unreachable doors and access fronts (module docstring)."""
    return {room.id: space_report(scene, room, robot_radius) for room in scene.rooms}
