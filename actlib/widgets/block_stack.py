r"""The signal through a stack of blocks (lesson 09; ``actlib.blocks``): plain, layer norm, RMS
norm or pre-norm residual, :math:`x_l = x_{l-1} + f(\operatorname{LN}(x_{l-1}) W_l)\,V_l`, with
any activation of ``BLOCK_ACTIVATIONS`` (the gated SwiGLU and GEGLU too). Per block: the forward
signal's pooled std and unit std, the mean correlation between two examples' vectors (near 1,
they can no longer be told apart) and the backward error's std.
"""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np

from .. import plots
from .box import _LABELS, FigureBox, _Redraw
from .figure import _decades, _reuse, _set_lines, _titled

__all__ = ["BLOCK_CHOICES", "BLOCK_ACTIVATIONS", "BLOCKS_MAX_DEPTH", "BLOCK_PANELS", "block_figure",
           "block_signal", "block_signal_warm_up"]


#: The blocks of ``block_figure``: label -> ``blocks.BLOCKS`` name.
BLOCK_CHOICES = {"plain": "plain", "layer norm": "layernorm", "RMS norm": "rmsnorm",
                 "pre-norm residual": "residual"}
#: The activations the blocks widget offers: elementwise ones and the gated SwiGLU and GEGLU.
BLOCK_ACTIVATIONS = ("relu", "tanh", "gelu", "silu", "elu", "selu", "sigmoid", "swiglu", "geglu")
BLOCKS_MAX_DEPTH = 50
#: The three panels of ``block_figure``: (line labels, title, log scale).
BLOCK_PANELS = ((("pooled std", "unit std"), "forward: std of $x_l$", True),
                (("correlation",), "forward: correlation of two examples", False),
                (("backward std",), r"backward: std of $\partial\ell/\partial x_{l-1}$", True))


def block_figure(block: str = "plain", activation: str = "relu", depth: int = 50,
                 width: int = 64, seed: int = 0, fig=None):
    """The measures of ``blocks.block_propagation`` per block of a random stack: the forward
    signal's pooled std and unit std (log scale), the mean correlation between two examples'
    vectors (0 to 1), and the backward error's std (log scale). ``block`` is a label of
    ``BLOCK_CHOICES`` (or a ``blocks.BLOCKS`` name); the networks are remembered
    (``blocks.cached_block_propagation``) and ``fig``, from an earlier call, is redrawn."""
    from .. import blocks

    kind = BLOCK_CHOICES.get(block, block)
    p = blocks.cached_block_propagation(kind, activation, depth, width, n=128, seed=seed)
    series = [{"pooled std": p.forward_std, "unit std": p.unit_std},
              {"correlation": p.correlation}, {"backward std": p.backward_std}]
    limits = [_decades(series[0].values()), (-0.1, 1.05), _decades(series[2].values())]
    panels = [{k: np.clip(np.nan_to_num(v, nan=lo, posinf=hi), lo, hi) for k, v in s.items()}
              for s, (lo, hi) in zip(series, limits, strict=True)]
    if not _set_lines(fig, panels):
        if fig is None:
            fig, _ = plt.subplots(1, 3, figsize=(10.8, 3.7))
            fig.subplots_adjust(left=0.065, right=0.985, bottom=0.15, top=0.8, wspace=0.28)
        fig = _reuse(fig)
        from matplotlib.ticker import MaxNLocator

        for ax, shown, (_, title, log) in zip(fig.axes, panels, BLOCK_PANELS, strict=True):
            plots.plot_layer_values(shown, ax=ax, title=title, ylabel="", log=log,
                                    legend=len(shown) > 1)
            ax.set_title(title, fontsize="medium")
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
            if log:
                plots.decade_ticks(ax, "y", numticks=7)
    for ax, (lo, hi) in zip(fig.axes, limits, strict=True):
        ax.set_ylim(lo, hi)
        ax.set_xlabel("block")
    label = (f"{depth} {block} blocks, {activation}: at the top, pooled std "
             f"{p.forward_std[-1]:.3g}, correlation {p.correlation[-1]:.2f}")
    return _titled(fig, label)


def block_signal(block: str = "plain", activation: str = "relu", depth: int = 50) -> W.Widget:
    """Block (plain, layer norm, RMS norm, pre-norm residual) x activation x depth -> the forward
    signal (pooled std, unit std, correlation) and the backward error per block
    (``block_figure``)."""
    controls = {
        "block": W.Dropdown(options=list(BLOCK_CHOICES), value=block, description="block",
                            style=_LABELS),
        "activation": W.Dropdown(options=BLOCK_ACTIVATIONS, value=activation,
                                 description="activation", style=_LABELS),
        "depth": W.IntSlider(value=depth, min=2, max=BLOCKS_MAX_DEPTH, description="depth",
                             style=_LABELS, continuous_update=False),
    }
    redraw = _Redraw(controls, block_figure, then=block_signal_warm_up)
    redraw()

    def alt() -> str:
        v = redraw.values()
        fwd, corr, bwd = (ax.lines[0].get_ydata() for ax in redraw.fig.axes)
        return (f"Three line charts per block of a stack of {v['depth']} {v['block']} blocks "
                f"with {v['activation']}: the forward signal's pooled and per-unit std (log "
                f"scale; pooled std {fwd[0]:.3g} after block 1, {fwd[-1]:.3g} at the top), the "
                f"mean correlation between two examples ({corr[0]:.2f} to {corr[-1]:.2f}; near "
                f"1, the inputs can no longer be told apart) and the backward error's std "
                f"({bwd[0]:.3g} at the input, {bwd[-1]:.3g} below the top block; 1 above it).")

    return FigureBox([W.HBox([controls["block"], controls["activation"]]), controls["depth"],
                      redraw.out], redraw=redraw, alt=alt, name="block_signal")


def block_signal_warm_up(block: str = "plain", activation: str = "relu", depth: int = 50,
                         width: int = 64, seed: int = 0) -> None:
    """Compute (and remember) the other blocks at this activation and depth: the widget calls it
    after each picture, so switching the block finds its numbers ready (20 to 50 ms a stack)."""
    from .. import blocks

    for kind in blocks.BLOCKS:
        blocks.cached_block_propagation(kind, activation, depth, width, n=128, seed=seed)
