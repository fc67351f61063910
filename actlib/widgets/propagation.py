r"""Signal propagation through a random deep net (lessons 01, 03 and 07; ``deepnet.propagation``):
per layer l, the forward signal (std of :math:`h_l`), the backward error (std of
:math:`\partial\ell/\partial z_l`) and the weight gradient :math:`\|\partial L/\partial W_l\|`
relative to the top layer's, each with its factor per layer (``shrink_factor``), over L layers

.. math:: \Bigl(\prod_{l=1}^{L-1} \frac{n_l}{n_{l+1}}\Bigr)^{1/(L-1)} = (n_1 / n_L)^{1/(L-1)} .

``signal_propagation`` lets every setting move (activation, initialisation, depth, weight
scale); ``gradient_flow`` is lesson 01's: it starts from a sigmoid net with LeCun weights.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np

from .. import deepnet, plots
from ..functions import NAMES
from .box import _LABELS, FigureBox, _Redraw
from .figure import _decades, _reuse, _set_lines, _titled

__all__ = ["GRADIENT_FLOW_MAX_DEPTH", "PROPAGATION_MAX_DEPTH", "PANELS", "propagation_figure",
           "shrink_factor", "signal_propagation", "gradient_flow_figure", "gradient_flow"]


GRADIENT_FLOW_MAX_DEPTH = 50
PROPAGATION_MAX_DEPTH = GRADIENT_FLOW_MAX_DEPTH

#: The three panels of the propagation figure: (field of ``deepnet.Propagation``, title).
PANELS = (("forward_std", "forward: std of $h_l$"),
          ("backward_std", r"backward: std of $\partial\ell/\partial z_l$"),
          ("weight_grad_norm", r"$\|\partial L/\partial W_l\|$ / top layer's"))


def propagation_figure(activation: str = "relu", init: str = "lecun_normal", depth: int = 20,
                       weight_scale: float = 1.0, width: int = 64, seed: int = 0, fig=None):
    """The three measurements of ``deepnet.propagation`` per layer, side by side on one log
    scale: the forward signal (std of h_l, 1 at the input), the backward error (std of the
    per-example dl/dz_l, about 1 at the top) and the weight gradient's norm relative to the top
    layer's. Each title gives the factor per layer (``shrink_factor``). Values that underflow
    to 0 or overflow are drawn at the axis' edge (1e-30 or 1e30). ``fig``, from an earlier call,
    is redrawn if given."""
    result = deepnet.cached_propagation(activation, depth, width, init, n=128, seed=seed,
                                        weight_scale=weight_scale)
    top = result.weight_grad_norm[-1]
    with np.errstate(all="ignore"):
        relative = result.weight_grad_norm / top if np.isfinite(top) and top > 0 else \
            np.full(depth, np.nan)
    series = {"forward_std": result.forward_std, "backward_std": result.backward_std,
              "weight_grad_norm": relative}
    lo, hi = _decades(series.values())
    label = f"{activation}, {init}, scale {weight_scale:g}"
    panels = [{label: np.clip(np.nan_to_num(series[key], nan=lo, posinf=hi), lo, hi)}
              for key, _ in PANELS]
    if not _set_lines(fig, panels):
        if fig is None:
            fig, _ = plt.subplots(1, 3, figsize=(10.8, 3.7), sharey=True)
            fig.subplots_adjust(left=0.075, right=0.985, bottom=0.15, top=0.8, wspace=0.1)
        fig = _reuse(fig)
        for ax, (_, title), shown in zip(fig.axes, PANELS, panels, strict=True):
            plots.plot_layer_values(shown, ax=ax, title=title, ylabel="", legend=False)
            ax.set_title(title, fontsize="medium")
        fig.axes[0].set_ylabel("relative to 1 (log scale)")
        # whole decades only, at most 7, labelled in plain text (log axes' minor ticks and
        # math-text labels were most of a redraw); text is most of the rest, so at most 6 layer
        # numbers per panel, and y tick marks only where their labels are (one shared scale)
        from matplotlib.ticker import MaxNLocator

        plots.decade_ticks(fig.axes[0], "y", numticks=7)
        for ax in fig.axes:
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        for ax in fig.axes[1:]:
            ax.tick_params(axis="y", left=False)
    for ax, (key, _) in zip(fig.axes, PANELS, strict=True):
        ax.set_ylim(lo, hi)
        # per layer going up for the forward signal, going back for the two gradients
        values = series[key][::-1] if key == "forward_std" else series[key]
        factor = shrink_factor(values)
        ax.set_xlabel(f"layer  (× {factor:.3g} per layer)" if np.isfinite(factor)
                      else "layer  (reaches 0 or overflows)")
    return _titled(fig, label)


def shrink_factor(norms: Sequence[float]) -> float:
    """Geometric mean of norm[l] / norm[l + 1]: how much a quantity shrinks (< 1) or grows
    (> 1) per layer from the last layer to the first. NaN if a value is 0 or not finite."""
    norms = np.asarray(norms, float)
    if len(norms) < 2 or not np.all(np.isfinite(norms) & (norms > 0)):
        return float("nan")
    return float(np.exp(np.mean(np.diff(np.log(norms[::-1])))))


def _factors(fig) -> list[str]:
    """The per-layer factors in a propagation figure's x labels ("× 0.5 per layer")."""
    return [ax.get_xlabel().split("(", 1)[-1].rstrip(")").strip() for ax in fig.axes]


def signal_propagation(activation: str = "relu", init: str = "lecun_normal",
                       depth: int = 20, weight_scale: float = 1.0) -> W.Widget:
    """Activation x initialisation x depth (x weight scale) -> forward std, backward std and
    weight-gradient norm per layer of a random deep net (``propagation_figure``)."""
    controls = {
        "activation": W.Dropdown(options=[n for n in NAMES if n != "softmax"], value=activation,
                                 description="activation", style=_LABELS),
        "init": W.Dropdown(options=deepnet.INITIALIZERS, value=init,
                           description="initialisation", style=_LABELS),
        "depth": W.IntSlider(value=depth, min=2, max=PROPAGATION_MAX_DEPTH,
                             description="depth", style=_LABELS, continuous_update=False),
        "weight_scale": W.FloatLogSlider(value=weight_scale, base=10, min=-1, max=1, step=0.05,
                                         description="weight scale", style=_LABELS,
                                         continuous_update=False),
    }
    redraw = _Redraw(controls, propagation_figure)
    redraw()

    def alt() -> str:
        v = redraw.values()
        forward, backward, weights = _factors(redraw.fig)
        return (f"Three line charts per layer on one log scale, for a {v['depth']}-layer "
                f"{v['activation']} network with {v['init']} weights (weight scale "
                f"{v['weight_scale']:g}): the forward signal's standard deviation "
                f"({forward}), the backward error's ({backward}) and the weight-gradient "
                f"norm relative to the top layer's ({weights}). A factor far from 1 means "
                f"the signal vanishes or explodes with depth.")

    return FigureBox([W.HBox([controls["activation"], controls["init"]]),
                      W.HBox([controls["depth"], controls["weight_scale"]]), redraw.out],
                     redraw=redraw, alt=alt, name="signal_propagation")


def gradient_flow_figure(activation: str = "sigmoid", depth: int = 20, weight_scale: float = 1.0,
                         width: int = 64, seed: int = 0, fig=None):
    """``propagation_figure`` with LeCun weights (lesson 01's network)."""
    return propagation_figure(activation, "lecun_normal", depth, weight_scale, width, seed, fig)


def gradient_flow(activation: str = "sigmoid") -> W.Widget:
    """Lesson 01's widget: ``signal_propagation`` starting from a sigmoid net with LeCun
    weights."""
    return signal_propagation(activation, "lecun_normal")
