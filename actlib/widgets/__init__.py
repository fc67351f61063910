"""Interactive widgets (ipywidgets 7.7 or 8, inline matplotlib), one module per widget. Each one
only wires controls to a pure figure function (``*_figure``: ``actlib.plots`` drawing the numbers
of ``actlib.deepnet``, ``actlib.blocks`` or ``actlib.variance``) that the tests call directly;
every value a control allows draws a sensible picture. Everything is imported from here:
``act.widgets.NAME``.

Which widget serves which lesson, and where it lives:

- ``explorer``: ``activation_explorer`` (lessons 00, 02, 04, 06), f and f' of any activation;
- ``propagation``: ``gradient_flow`` (01, 07) and ``signal_propagation`` (03), the forward and
  backward std per layer of a random deep net, and ``shrink_factor`` (01);
- ``phase_diagram``: ``criticality`` (03), tanh's order/chaos phase diagram;
- ``self_norm``: ``self_normalisation`` (04), SELU's fixed point over depth;
- ``temperature``: ``softmax_temperature`` (05);
- ``gates``: ``gate_explorer`` (08), the gated linear units;
- ``block_stack``: ``block_signal`` (09), plain, normalised and residual blocks;

and what they share: ``box`` (``FigureBox``, the widget, and ``_Redraw``, which redraws when a
control moves), ``figure`` (``render_png``, ``picture_png``, and the reuse of a figure that
keeps a redraw fast) and ``caches`` (``clear_caches``).

Redraws are fast (under 100 ms, ``make bench``): a widget passes its figure back to the figure
function (``fig=``), which replaces only the data (axes and ticks stay); the numbers of a deep
network are remembered per setting (``deepnet.cached_*``); the widget shows the PNG of
``render_png``, drawn once, instead of ``display(fig)``.

Read anywhere: every widget is a ``FigureBox``, whose output, saved with the notebook, carries
its figure as a PNG with alt text beside the widget view. A live JupyterLab, Binder or Colab
shows the widget; GitHub, nbviewer, JupyterLab on a notebook it did not run (untrusted outputs
skip the widget renderer) and the course website show the picture.

    act.widgets.activation_explorer("elu")
    act.widgets.gradient_flow()           # = signal_propagation("sigmoid")
    act.widgets.signal_propagation("relu", "he_normal")
    act.widgets.self_normalisation()
    act.widgets.softmax_temperature([3, 0.7, 0.5])
"""

# Every public name of the modules, re-exported (F401: those that ``__all__`` leaves out).
from .block_stack import (  # noqa: F401
    BLOCK_ACTIVATIONS,
    BLOCK_CHOICES,
    BLOCK_PANELS,
    BLOCKS_MAX_DEPTH,
    block_figure,
    block_signal,
    block_signal_warm_up,
)
from .box import WIDGET_VIEW, FigureBox  # noqa: F401
from .caches import clear_caches
from .explorer import EXPLORER_NAMES, SLIDERS, activation_explorer, explorer_figure
from .figure import picture_png, render_png  # noqa: F401
from .gates import GATE_A_MAX, GATES, gate_explorer, gate_figure  # noqa: F401
from .phase_diagram import (  # noqa: F401
    CRITICALITY_MAX_DEPTH,
    PHASE_POINTS,
    PHASE_SIGMA_B,
    PHASE_SIGMA_W,
    _phase_grid,
    criticality,
    criticality_alt,
    criticality_figure,
    criticality_title,
)
from .propagation import (  # noqa: F401
    GRADIENT_FLOW_MAX_DEPTH,
    PANELS,
    PROPAGATION_MAX_DEPTH,
    gradient_flow,
    gradient_flow_figure,
    propagation_figure,
    shrink_factor,
    signal_propagation,
)
from .self_norm import (  # noqa: F401
    SELF_NORM_HEIGHT,
    SELF_NORM_SETUPS,
    self_normalisation,
    self_normalisation_figure,
    self_normalisation_warm_up,
)
from .temperature import TEMPERATURE_MIN, softmax_temperature, temperature_figure  # noqa: F401

# What ``from actlib.widgets import *`` gives, as before the split.
__all__ = ["EXPLORER_NAMES", "PANELS", "SLIDERS", "FigureBox", "activation_explorer",
           "explorer_figure",
           "gradient_flow", "gradient_flow_figure", "propagation_figure", "render_png",
           "self_normalisation", "self_normalisation_figure", "self_normalisation_warm_up",
           "shrink_factor", "signal_propagation", "softmax_temperature", "temperature_figure",
           "block_figure", "block_signal", "block_signal_warm_up", "clear_caches",
           "GATES", "gate_explorer", "gate_figure",
           "CRITICALITY_MAX_DEPTH", "PHASE_POINTS", "criticality", "criticality_alt",
           "criticality_figure"]
