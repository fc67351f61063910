"""Self-normalisation (lesson 04): the mean and the standard deviation of the activations after
each layer of a deep random network, for SELU and the setups it is compared with
(``SELF_NORM_SETUPS``: activation and initialisation). SELU with LeCun-normal weights keeps
them at its fixed point, mean 0 and std 1; other weights, or another activation, drift away.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as W
import matplotlib
import matplotlib.pyplot as plt

from .. import deepnet, plots
from .box import _LABELS, FigureBox, _Redraw
from .figure import _LEGEND_STYLE, _fixed_titles, _legend, _reuse, _set_lines

__all__ = ["SELF_NORM_SETUPS", "SELF_NORM_HEIGHT", "self_normalisation_figure",
           "self_normalisation", "self_normalisation_warm_up"]


SELF_NORM_SETUPS = {
    "SELU, lecun_normal": ("selu", "lecun_normal"),
    "SELU, glorot_uniform": ("selu", "glorot_uniform"),
    "SELU, he_normal": ("selu", "he_normal"),
    "SELU, random_normal(0.05)": ("selu", "random_normal"),
    "ReLU, he_normal": ("relu", "he_normal"),
    "ReLU, glorot_uniform": ("relu", "glorot_uniform"),
    "tanh, glorot_uniform": ("tanh", "glorot_uniform"),
}


#: Figure height (inches) of the self-normalisation widget: two panels and two legend rows.
SELF_NORM_HEIGHT = 4.05


def self_normalisation_figure(setups: Sequence[str] = ("SELU, lecun_normal",
                                                      "SELU, glorot_uniform",
                                                      "ReLU, he_normal"),
                              depth: int = 50, width: int = 64, seed: int = 0, fig=None):
    """Mean and standard deviation of the activations after each layer, for each setup
    (256 examples: 16,384 values per layer, enough for two decimals); the networks are
    remembered (``deepnet.cached_activation_stats``) and ``fig``, from an earlier call, is
    redrawn if given."""
    if fig is not None and not setups:  # no data: the limits of a new figure
        plt.close(fig)
        fig = None
    means, stds = {}, {}
    for label in setups:
        name, init = SELF_NORM_SETUPS[label]
        means[label], stds[label] = deepnet.cached_activation_stats(name, depth, width, init,
                                                                    n=256, seed=seed)
    if _set_lines(fig, [means, stds]):  # the same setups: new values, same lines and legend
        return fig
    fig = _reuse(fig, ncols=2, width=4.6, height=SELF_NORM_HEIGHT)
    if fig.subplotpars.bottom < 0.2:  # a new figure: room below the panels for the legend
        fig.subplots_adjust(bottom=1.0 / SELF_NORM_HEIGHT)
    ax_mean, ax_std = fig.axes
    plots.plot_layer_values(means, ax=ax_mean, ylabel="mean of activations", log=False,
                            title="mean per layer (SELU's target: 0)", legend=False)
    plots.plot_layer_values(stds, ax=ax_std, ylabel="std of activations", log=True,
                            title="standard deviation per layer (target: 1)", legend=False)
    if setups:  # one legend for both panels, below them: it never hides a line
        key = ("self_normalisation", tuple(setups), tuple(fig.get_size_inches()), fig.dpi,
               *(str(matplotlib.rcParams[k]) for k in _LEGEND_STYLE))
        _legend(fig, key, *ax_mean.get_legend_handles_labels(), loc="lower center", ncol=4,
                fontsize="small", frameon=False)
    return _fixed_titles(fig)


def self_normalisation() -> W.Widget:
    """Pick setups and depth: mean and std of activations through a deep random network."""
    controls = {
        "setups": W.SelectMultiple(options=list(SELF_NORM_SETUPS),
                                   value=("SELU, lecun_normal", "SELU, random_normal(0.05)",
                                          "ReLU, he_normal"),
                                   description="setups", style=_LABELS, rows=len(SELF_NORM_SETUPS)),
        "depth": W.IntSlider(value=50, min=1, max=100, description="depth", style=_LABELS,
                             continuous_update=False),
    }
    redraw = _Redraw(controls, self_normalisation_figure, then=self_normalisation_warm_up)
    redraw()

    def alt() -> str:
        v = redraw.values()
        ax_mean, ax_std = redraw.fig.axes
        last = "; ".join(f"{line.get_label()}: mean {m.get_ydata()[-1]:.2f}, "
                         f"std {line.get_ydata()[-1]:.2f}"
                         for m, line in zip(ax_mean.lines, ax_std.lines, strict=True))
        return (f"Two line charts per layer of a {v['depth']}-layer random network, one line "
                f"per setup: the mean of the activations (SELU's target 0) and their standard "
                f"deviation on a log scale (target 1). After the last layer: "
                f"{last or 'no setup chosen'}.")

    return FigureBox([W.HBox([controls["setups"], controls["depth"]]), redraw.out],
                     redraw=redraw, alt=alt, name="self_normalisation")


def self_normalisation_warm_up(setups=(), depth: int = 50, width: int = 64, seed: int = 0):
    """Compute (and remember) every setup at ``depth``, shown or not: the widget calls it after
    each picture, so ticking another setup finds its numbers ready (a new depth costs only the
    layers not computed before: about 0.3 ms a layer and setup)."""
    for name, init in SELF_NORM_SETUPS.values():
        deepnet.cached_activation_stats(name, depth, width, init, n=256, seed=seed)
