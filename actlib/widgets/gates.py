r"""The gate explorer (lesson 08): a gated linear unit :math:`y = a\,\varphi(b)` along the gate
input b, for a value a, and its two partial derivatives

.. math:: \frac{\partial y}{\partial a} = \varphi(b), \qquad
          \frac{\partial y}{\partial b} = a\,\varphi'(b),

for the gates of ``GATES``: GLU (:math:`\varphi` = sigmoid), ReGLU (relu), GEGLU (gelu) and
SwiGLU (silu).
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import plots
from ..functions import get
from .box import _LABELS, FigureBox, _Redraw
from .figure import _fixed_titles, _reuse

__all__ = ["GATES", "GATE_A_MAX", "gate_figure", "gate_explorer"]


#: The gates phi a gated linear unit a * phi(b) can use: GLU, ReGLU, GEGLU, SwiGLU.
GATES = {"sigmoid": "GLU", "relu": "ReGLU", "gelu": "GEGLU", "silu": "SwiGLU"}
GATE_A_MAX = 3.0
_GATE_B = np.linspace(-4, 4, 401)


def gate_figure(gate: str = "silu", a: float = 1.0, fig=None):
    """A gated unit y = a * phi(b) along b, for the value a, and its two partial derivatives
    dy/da = phi(b) and dy/db = a phi'(b); ``fig``, from an earlier call, is redrawn if given."""
    if gate not in GATES:
        raise ValueError(f"gate_figure: gate must be one of {tuple(GATES)}, got {gate!r}")
    phi = get(gate)
    b = _GATE_B
    fig = _reuse(fig, 1, 2, width=4.0, height=3.2)
    ax_y, ax_d = fig.axes
    color = plots.color_for(gate)
    ax_y.plot(b, a * phi(b), lw=2.5, color=color, label=f"y = a {gate}(b), a = {a:g}")
    ax_y.plot(b, phi(b), lw=1, ls="--", color="0.5", label=f"a = 1: {gate}(b)")
    ax_y.axhline(0, color="0.85", lw=0.8, zorder=0)
    ax_y.set(title=f"{GATES[gate]}: y = a · {gate}(b)", xlabel="b (gate input)", ylabel="y")
    ax_y.legend(loc="upper left", fontsize="small")
    ax_d.plot(b, phi(b), lw=2, color=color, label="∂y/∂a = φ(b)")
    ax_d.plot(b, a * phi.derivative(b), lw=2, ls="--", color="k", label="∂y/∂b = a φ'(b)")
    ax_d.axhline(0, color="0.85", lw=0.8, zorder=0)
    ax_d.set(title="its two partial derivatives", xlabel="b (gate input)")
    ax_d.legend(loc="upper left", fontsize="small")
    return _fixed_titles(fig)


def gate_explorer(gate: str = "silu", a: float = 1.0) -> W.Widget:
    """Choose the gate phi and the value a; see y = a * phi(b) and its two partials along b."""
    choice = W.Dropdown(options=[(f"{name} ({unit})", name) for name, unit in GATES.items()],
                        value=gate, description="gate", style=_LABELS)
    value = W.FloatSlider(value=a, min=-GATE_A_MAX, max=GATE_A_MAX, step=0.25,
                          description="value a", style=_LABELS, continuous_update=False)
    redraw = _Redraw({"gate": choice, "a": value}, gate_figure)
    redraw()

    def alt() -> str:
        return (f"Two line charts of the gated unit {GATES[choice.value]}, y = a · "
                f"{choice.value}(b), against the gate input b from -4 to 4, with the value a = "
                f"{value.value:g}. Left: y, beside {choice.value}(b) itself (a = 1, dashed); "
                f"right: its partials ∂y/∂a = {choice.value}(b) and ∂y/∂b = a · "
                f"{choice.value}'(b). y is linear in a and bent only along b: scaling a scales "
                f"the curve and its b-slope.")

    return FigureBox([W.HBox([choice, value]), redraw.out], redraw=redraw, alt=alt,
                     name="gate_explorer")
