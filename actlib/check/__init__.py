"""Self-checks for the notebooks' exercises: ``act.check.<exercise>(your_function)`` prints one
line: ✅ pass, ❌ fail with a hint, ⏳ not attempted yet, or ⚠️ your code raised (never a
traceback). One module per notebook topic; the tools students may use themselves:

    act.check.numerical_derivative(f, x)   # central difference, elementwise
    act.check.numerical_gradient(f, x)     # gradient of a scalar function, entry by entry
    act.check.rel_error(a, b)              # ~1e-7 or less: the two agree
"""

from ._core import (  # noqa: F401  (re-exported)
    compare,
    numerical_derivative,
    numerical_gradient,
    rel_error,
    report,
)
from .choosing import *  # noqa: F403
from .gates import *  # noqa: F403
from .initialisation import *  # noqa: F403
from .modern import *  # noqa: F403
from .practice import *  # noqa: F403
from .relu import *  # noqa: F403
from .sigmoid import *  # noqa: F403
from .softmax import *  # noqa: F403
from .variants import *  # noqa: F403
from .why import *  # noqa: F403
