"""The one seed knob: every lesson's experiments, Keras and NumPy alike, take their seeds from the
environment variable ``ACTLIB_SEED`` (default 0).

    SEED = act.seed()            # in a notebook: ACTLIB_SEED, or 0
    act.seed(3)                  # a second, independent experiment: ACTLIB_SEED + 3

``make claims`` re-runs every notebook with ACTLIB_SEED = 0 … 4 to check that each asserted claim
holds for every seed, not just for the committed one (0).
"""

from __future__ import annotations

import numbers
import os

ENV = "ACTLIB_SEED"


def seed(offset: int = 0) -> int:
    """The seed of an experiment: ``int(os.environ["ACTLIB_SEED"]) + offset`` (ACTLIB_SEED
    defaults to 0). Use a different ``offset`` for experiments that must not share a seed.

    >>> seed() if "ACTLIB_SEED" not in os.environ else 0
    0
    """
    if isinstance(offset, bool) or not isinstance(offset, numbers.Integral):
        raise TypeError(f"seed: offset must be an integer, got {offset!r}")
    raw = os.environ.get(ENV, "").strip() or "0"
    try:
        base = int(raw)
    except ValueError:
        raise ValueError(f"seed: the environment variable {ENV} must be a whole number "
                         f"(0, 1, 2, ...), got {raw!r}") from None
    if base < 0:
        raise ValueError(f"seed: the environment variable {ENV} must be >= 0, got {base}")
    return base + int(offset)
