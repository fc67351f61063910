"""The activation explorer (lessons 00, 02, 04 and 06): any elementwise activation f and its
derivative f' on x from -5 to 5, its parameters on sliders (``SLIDERS``), beside a second
activation if asked (``explorer_figure``, ``activation_explorer``).
"""

from __future__ import annotations

import ipywidgets as W

from .. import plots
from ..functions import ELEMENTWISE_NAMES, NAMES, get
from .box import _LABELS, FigureBox, _Redraw
from .figure import _fixed_titles, _reuse

__all__ = ["SLIDERS", "EXPLORER_NAMES", "explorer_figure", "activation_explorer"]


#: Slider (min, max, step) for every activation parameter the explorer shows.
SLIDERS = {
    ("leaky_relu", "alpha"): (0.0, 1.0, 0.01),
    ("prelu", "alpha"): (0.0, 1.0, 0.01),
    ("elu", "alpha"): (0.0, 3.0, 0.05),
    ("rrelu", "lower"): (0.0, 1.0, 0.01),
    ("rrelu", "upper"): (0.0, 1.0, 0.01),
}


#: What the explorer offers: the lessons' activations, then the newer elementwise ones (relu6,
#: hard_sigmoid, hard_silu, squared_relu: lesson 08). The gated units map a vector to a shorter
#: one, so they have no curve f(x) to draw here (lesson 08's gate explorer shows them).
EXPLORER_NAMES = (*NAMES, *(n for n in ELEMENTWISE_NAMES if n not in NAMES))


def explorer_figure(name: str = "relu", compare: str | None = None, fig=None, **params):
    """f and f' of ``name`` with ``params`` (and of ``compare``, with defaults), in one figure
    (``fig``, from an earlier call, redrawn if given)."""
    if name == "rrelu" and params.get("lower", 0) > params.get("upper", 1):
        params["upper"] = params["lower"]  # a slider pair can cross; the picture should not break
    fig = _reuse(fig, width=6.5, height=3.8)
    ax = fig.axes[0]
    plots.plot_activation(name, ax=ax, **params)
    if compare and compare != "(none)":
        own, theirs = plots.color_for(name), plots.color_for(compare)
        plots.plot_activation(compare, ax=ax, color=theirs if theirs != own else "0.25")
        ax.set_title(f"{name} vs {compare}: f (solid) and f' (dashed)")
    ax.set_ylim(-2.2, 5.2)
    return _fixed_titles(fig)


def activation_explorer(name: str = "relu", compare: str | None = None) -> W.Widget:
    """Choose any activation, move its parameters, see f and f' (and optionally a second one)."""
    choice = W.Dropdown(options=EXPLORER_NAMES, value=get(name).name,
                        description="activation", style=_LABELS)
    other = W.Dropdown(options=("(none)", *EXPLORER_NAMES), value=compare or "(none)",
                       description="compare with", style=_LABELS)
    sliders = {(n, p): W.FloatSlider(value=get(n).defaults[p], min=lo, max=hi, step=step,
                                     description=p, style=_LABELS, continuous_update=False)
               for (n, p), (lo, hi, step) in SLIDERS.items()}
    approximate = W.Checkbox(value=False, description="tanh approximation", style=_LABELS)

    def alt() -> str:
        fig = redraw.fig
        ax = fig.axes[0]
        shown = [t.get_text() for t in ax.get_legend().get_texts()] if ax.get_legend() else []
        compared = (f", compared with {other.value} (in its own colour)"
                    if other.value not in (None, "(none)") else "")
        return (f"Line chart titled \"{ax.get_title()}\": {choice.value}{compared}, each with "
                f"its derivative, f solid and f' dashed, on x from -5 to 5 (lines: "
                f"{', '.join(shown)}). The live explorer lets you choose any activation and "
                f"move its parameters.")

    def draw(activation, compare_with, fig=None, **_):
        params = {p: sliders[(activation, p)].value for (n, p) in SLIDERS if n == activation}
        if activation == "gelu":
            params["approximate"] = approximate.value
        return explorer_figure(activation, compare_with, fig=fig, **params)

    controls = {"activation": choice, "compare_with": other, "approximate": approximate}
    controls.update({f"{n}.{p}": s for (n, p), s in sliders.items()})
    redraw = _Redraw(controls, draw)
    box = FigureBox(redraw=redraw, alt=alt, name="activation_explorer")

    def layout(change=None):
        own = [s for (n, _), s in sliders.items() if n == choice.value]
        extra = [approximate] if choice.value == "gelu" else []
        box.children = [W.HBox([choice, other]), *own, *extra, redraw.out]

    choice.observe(layout, names="value")
    layout()
    redraw()
    return box
