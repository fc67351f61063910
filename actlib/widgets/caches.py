"""What the widgets remember, forgotten at once: ``clear_caches()``."""

from __future__ import annotations

from .. import deepnet
from .phase_diagram import _criticality_numbers

__all__ = ["clear_caches"]


def clear_caches() -> None:
    """Forget every number a widget remembers (networks, stacks, mean-field recursions), so the
    next redraw computes from scratch: what ``make bench`` calls a move to a new setting."""
    from .. import blocks

    deepnet.clear_caches()
    blocks.clear_cache()
    _criticality_numbers.cache_clear()
