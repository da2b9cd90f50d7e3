"""The asset-level policy: which small objects go on a container, and where (by pointing).

- :mod:`.policy`: :class:`AssetPolicy` (``containers``, ``plan``) and :class:`AssetPlan`;
- :mod:`.choose`: what goes on a container and how many (offline rules, VLM answer, stacking data);
- :mod:`.view`: close-view cameras of each support surface, and their renders;
- :mod:`.pointing`: parsing a pointing model's points; normalised points <-> spots on a surface;
- :mod:`.placer`: points -> lifted spots -> checked, placed items (the offline and VLM pointers).

Importing this package loads no renderer, model or HTTP client.
"""

from .policy import AssetPlan, AssetPolicy, AssetPolicyError, is_container

__all__ = ["AssetPlan", "AssetPolicy", "AssetPolicyError", "is_container"]
