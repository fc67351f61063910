r"""Order and chaos (lesson 03): a point :math:`(\sigma_w, \sigma_b)` on tanh's mean-field phase
diagram (``actlib.variance``), and what the recursions say it does over depth to the variance
:math:`q^l` of the pre-activations, the correlation :math:`c^l` of two inputs and the backward
std. The phase is set by

.. math:: \chi_1 = \sigma_w^2\, \operatorname{E}\bigl[\tanh'(\sqrt{q^\ast} z)^2\bigr],

ordered where :math:`\chi_1 < 1` (inputs end up alike, gradients vanish), chaotic where
:math:`\chi_1 > 1`, critical on the line :math:`\chi_1 = 1`.
"""

from __future__ import annotations

import functools
import numbers

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np

from .. import plots
from .box import _LABELS, FigureBox, _Redraw
from .figure import _decades

__all__ = ["PHASE_SIGMA_W", "PHASE_SIGMA_B", "PHASE_POINTS", "CRITICALITY_MAX_DEPTH",
           "criticality_figure", "criticality_title", "criticality_alt", "criticality"]


#: The grid of the phase diagram: sigma_w across, sigma_b up.
PHASE_SIGMA_W = np.linspace(0.5, 3.0, 26)
PHASE_SIGMA_B = np.linspace(0.0, 1.0, 21)
#: Reference points drawn on the diagram: (label, sigma_w, sigma_b, marker).
PHASE_POINTS = (("LeCun = Glorot", 1.0, 0.0, "o"), ("He", float(np.sqrt(2)), 0.0, "s"),
                ("gain 1.59", 1.5925, 0.0, "^"), ("PyTorch 5/3", 5 / 3, 0.0, "v"),
                ("critical, σ_b = 0.2", 1.3042, 0.2, "D"))
CRITICALITY_MAX_DEPTH = 100


@functools.cache
def _phase_grid(name: str = "tanh"):
    """chi_1 on the phase diagram's grid, and the critical line sigma_w(sigma_b) (computed once:
    about a second on a busy machine)."""
    from scipy.optimize import brentq

    from .. import variance

    chi = variance.phase_diagram(name, PHASE_SIGMA_W, PHASE_SIGMA_B)
    chi.flags.writeable = False
    line = np.empty(len(PHASE_SIGMA_B))
    for i, b in enumerate(PHASE_SIGMA_B):  # chi_1 - 1 changes sign once along each row
        j = int(np.argmax(chi[i] >= 1))
        lo, hi = PHASE_SIGMA_W[max(j - 1, 0)], PHASE_SIGMA_W[j]
        line[i] = lo if lo == hi else brentq(
            lambda w, b=b: variance.phase_diagram(name, [w], [b])[0, 0] - 1, lo, hi, xtol=1e-6)
    line.flags.writeable = False
    return chi, line


@functools.lru_cache(maxsize=1024)
def _criticality_numbers(sigma_w: float, sigma_b: float, depth: int):
    from .. import variance

    return (variance.mean_field("tanh", sigma_w, sigma_b),
            variance.mean_field_layers("tanh", sigma_w, sigma_b, depth=depth))


def _criticality_check(sigma_w, sigma_b, depth):
    for pname, value, low, high in (("sigma_w", sigma_w, 0.05, 10.0), ("sigma_b", sigma_b, 0, 5)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or \
                not low <= value <= high:
            raise ValueError(f"criticality_figure: {pname} must be a number in [{low:g}, "
                             f"{high:g}], got {value!r}")
    if isinstance(depth, bool) or not isinstance(depth, numbers.Integral) or \
            not 2 <= depth <= 1000:
        raise ValueError(f"criticality_figure: depth must be an int in [2, 1000], got {depth!r}")


def criticality_figure(sigma_w: float = 1.0, sigma_b: float = 0.0, depth: int = 50, fig=None):
    r"""tanh's order/chaos phase diagram (Poole et al. 2016; Schoenholz et al. 2017) with the
    point (``sigma_w``, ``sigma_b``), and the mean-field recursions there over ``depth`` layers
    (``act.variance.mean_field_layers``; independent standard-normal inputs):

    1. :math:`\log_2 \chi_1` over :math:`(\sigma_w, \sigma_b)` (blue: ordered, red: chaotic),
       the critical line :math:`\chi_1 = 1`, LeCun/Glorot, He, the gain, PyTorch's 5/3 and a
       critical point with bias, and the chosen point (a black cross);
    2. :math:`q^l`, the variance of the pre-activations (solid), and the backward std of
       :math:`\partial\ell/\partial z_l` (dashed, 1 at the top), on one log scale;
    3. :math:`c^l`, the correlation of two inputs' pre-activations (1: no longer told apart).

    ``fig``, from an earlier call, is redrawn if given: only the cross, the lines and the title
    move. The diagram never changes: a new figure draws it once and keeps it as pixels (its text
    is most of the drawing), so that every later redraw costs only the lines."""
    _criticality_check(sigma_w, sigma_b, depth)
    mf, lay = _criticality_numbers(float(sigma_w), float(sigma_b), int(depth))
    layers = np.arange(1, depth + 1)
    series = (np.clip(lay.q, 1e-30, 1e30), np.clip(lay.backward_std, 1e-30, 1e30), lay.c)
    handles = getattr(fig, "_criticality", None) if fig is not None else None
    if handles is None:  # a new figure: its diagram drawn once, without cross, and kept as pixels
        if fig is not None:
            plt.close(fig)
        fig, handles = _criticality_new()
        _criticality_snapshot(fig, handles)
    handles["cross"].set_data([sigma_w], [sigma_b])
    for line, values in zip(handles["lines"], series, strict=True):
        line.set_data(layers, values)
    ax_log, ax_c = handles["panels"]
    ax_log.set_ylim(*_decades(series[:2]))
    for ax in (ax_log, ax_c):
        ax.set_xlim(1, depth)
    handles["title"].set_text(criticality_title(mf))
    return fig


def _criticality_new():
    """A new criticality figure: the diagram's Axes, a transparent Axes over it for the cross
    (so the diagram can be replaced by its pixels), and the two panels of lines."""
    fig, axes = plt.subplots(1, 3, figsize=(12.0, 3.6),
                             gridspec_kw={"width_ratios": [1.25, 1, 1]})
    fig.subplots_adjust(left=0.055, right=0.99, bottom=0.15, top=0.8, wspace=0.3)
    diagram, ax_log, ax_c = axes
    chi, line = _phase_grid()
    limits = (PHASE_SIGMA_W[0], PHASE_SIGMA_W[-1], PHASE_SIGMA_B[0], PHASE_SIGMA_B[-1])
    diagram.imshow(np.clip(np.log2(chi), -2, 2), origin="lower", aspect="auto", cmap="RdBu_r",
                   vmin=-2, vmax=2, interpolation="bilinear", extent=limits)
    diagram.plot(line, PHASE_SIGMA_B, color="k", lw=1.5, label="critical line χ₁ = 1")
    for label, w, b, marker in PHASE_POINTS:
        diagram.plot([w], [b], marker, ms=6, mfc="white", mec="k", clip_on=False, label=label)
    diagram.set(xlabel="σ_w  (weight variance σ_w² / fan-in)", ylabel="σ_b  (bias std)",
                title="tanh: log₂ χ₁  (blue ordered, red chaotic)", xlim=limits[:2],
                ylim=limits[2:])
    diagram.legend(fontsize="x-small", loc="upper left", framealpha=0.8)
    over = fig.add_axes(diagram.get_position(), sharex=diagram, sharey=diagram, zorder=5)
    over.set_axis_off()
    over.patch.set_visible(False)
    cross, = over.plot([], [], "x", ms=12, mew=2.5, color="k", clip_on=False)
    color = plots.color_for("tanh")
    lines = [ax_log.plot([], [], color=color, lw=2)[0],
             ax_log.plot([], [], "--", color="k", lw=1.5)[0],
             ax_c.plot([], [], color=color, lw=2)[0]]
    ax_log.set(yscale="log", xlabel="layer", title="q^l (solid), backward std (dashed)")
    plots.decade_ticks(ax_log, "y", numticks=7)
    ax_c.set(xlabel="layer", ylim=(-0.03, 1.03), title="c^l: correlation of two inputs")
    from matplotlib.ticker import MaxNLocator

    for ax in (ax_log, ax_c):
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    handles = {"diagram": diagram, "cross": cross, "lines": lines, "panels": (ax_log, ax_c),
               "title": fig.suptitle(" ", fontsize="medium")}
    fig._criticality = handles
    return fig, handles


def _criticality_snapshot(fig, handles) -> None:
    """Draw ``fig`` once and replace the diagram's Axes by its pixels (everything left of the
    middle of the gap to the next panel, below the suptitle's band)."""
    from matplotlib.backend_bases import FigureCanvasBase
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if type(fig.canvas) is FigureCanvasBase or not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())
    height, width, _ = rgba.shape
    diagram, (ax_log, _) = handles["diagram"], handles["panels"]
    renderer = fig.canvas.get_renderer()
    right = int((diagram.get_window_extent().x1
                 + ax_log.get_tightbbox(renderer).x0) // 2)
    top = int(np.ceil(diagram.get_tightbbox(renderer).y1)) + 1
    pixels = rgba[height - min(top, height):, :right].copy()
    diagram.set_visible(False)
    fig.figimage(pixels, xo=0, yo=0, origin="upper", zorder=0)
    handles["pixels"] = pixels


def criticality_title(mf) -> str:
    """One line on a ``variance.MeanField``: the point, its phase, chi_1 and depth scales."""
    def scale(x):
        return "∞" if not np.isfinite(x) else f"{x:.3g}"

    c_star = 0.0 if abs(mf.c_star) < 1e-9 else mf.c_star  # quadrature's 1e-13 is 0
    return (f"tanh, σ_w = {mf.sigma_w:.4g}, σ_b = {mf.sigma_b:.3g}: {mf.phase} "
            f"(χ₁ = {mf.chi_1:.4f}), q* = {mf.q_star:.3g}, c* = {c_star:.3g}, "
            f"ξ_q = {scale(mf.xi_q)}, ξ_c = {scale(mf.xi_c)} layers")


def criticality_alt(sigma_w: float = 1.0, sigma_b: float = 0.0, depth: int = 50) -> str:
    """The alt text of ``criticality_figure`` at this setting: what it shows and the numbers a
    reader needs (phase, chi_1, c^l and the backward ratio at the last layer)."""
    _criticality_check(sigma_w, sigma_b, depth)
    mf, lay = _criticality_numbers(float(sigma_w), float(sigma_b), int(depth))
    with np.errstate(all="ignore"):
        ratio = lay.backward_std[0] / lay.backward_std[-1]
    return (f"Four panels. Left: a heatmap of tanh's chi_1 over sigma_w (across, 0.5 to 3) and "
            f"sigma_b (up, 0 to 1), blue where chi_1 < 1 (ordered), red where > 1 (chaotic), "
            f"with the critical line chi_1 = 1 running from sigma_w = 1 at sigma_b = 0 up to "
            f"the right, reference points on it or beside it (LeCun, He, the gain 1.59, "
            f"PyTorch's 5/3, a critical point with bias) and a cross at sigma_w = {sigma_w:.4g}, "
            f"sigma_b = {sigma_b:.3g}, in the {mf.phase} phase (chi_1 = {mf.chi_1:.3f}). Right: "
            f"line charts over {depth} layers of the variance q^l (ending at {lay.q[-1]:.3g}), "
            f"the correlation c^l of two independent inputs (ending at {lay.c[-1]:.3f}) and "
            f"the backward std, whose ratio layer 1 / layer {depth} is {ratio:.3g}.")


def criticality(sigma_w: float = 1.0, sigma_b: float = 0.0, depth: int = 50) -> W.Widget:
    """Move a point on tanh's order/chaos phase diagram; see q^l, c^l and the backward std over
    depth (``criticality_figure``)."""
    controls = {
        "sigma_w": W.FloatSlider(value=sigma_w, min=0.5, max=3.0, step=0.01, description="σ_w",
                                 style=_LABELS, continuous_update=False),
        "sigma_b": W.FloatSlider(value=sigma_b, min=0.0, max=1.0, step=0.01, description="σ_b",
                                 style=_LABELS, continuous_update=False),
        "depth": W.IntSlider(value=depth, min=10, max=CRITICALITY_MAX_DEPTH, step=5,
                             description="depth", style=_LABELS, continuous_update=False),
    }
    redraw = _Redraw(controls, criticality_figure)
    redraw()

    def alt() -> str:
        return criticality_alt(**redraw.values())

    return FigureBox([W.HBox(list(controls.values())), redraw.out], redraw=redraw, alt=alt,
                     name="criticality")
